package io.orgsync;

import io.orgsync.config.ConfigurationException;
import io.orgsync.config.OrgSyncSettings;
import io.orgsync.config.SourceName;
import io.orgsync.config.SourceSettings;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunCoordinator;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.VendorSimulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.spi.PropertiesComponent;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The command line of CONTRACT section 1: {@code --demo}, {@code --run-once}, {@code --routes DIR},
 * {@code --config FILE}; otherwise a scheduled service. Settings are validated before Camel
 * starts, so a configuration error is one line naming the key, and exit code 2.
 */
public final class OrgSync {

    public static final int EXIT_OK = 0;
    public static final int EXIT_RUN_FAILED = 1;
    public static final int EXIT_CONFIGURATION = 2;

    private final PrintStream out;
    private final PrintStream err;

    private OrgSync(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new OrgSync(System.out, System.err).run(args));
    }

    int run(String[] args) {
        try {
            CommandLine command = CommandLine.parse(args);
            return command.demo() ? demo(command) : sync(command, Map.of());
        } catch (ConfigurationException e) {
            err.println("orgsync: configuration error: " + oneLine(e.getMessage()));
            return EXIT_CONFIGURATION;
        }
    }

    private int demo(CommandLine command) {
        try (VendorSimulator simulator = VendorSimulator.start(io.orgsync.simulator.SimulatorConfig.defaults())) {
            Map<String, String> overrides = DemoSetup.overrides(simulator, command.routesDir());
            out.println("orgsync demo: vendor simulator on " + simulator.baseUrl() + ", syncing "
                    + overrides.get("orgsync.sources"));
            return sync(command.withRunOnce(), overrides);
        }
    }

    private int sync(CommandLine command, Map<String, String> overrides) {
        Path config = command.configFile();
        if (!Files.isRegularFile(config) || !Files.isReadable(config)) {
            throw new ConfigurationException("--config", "cannot read configuration file " + config.toAbsolutePath()
                    + " (run from the project root, or pass --config FILE)");
        }
        Properties overrideProperties = new Properties();
        overrideProperties.putAll(overrides);
        OrgSyncSettings settings = OrgSyncSettings.load(lookup(config, overrideProperties));
        boolean runOnce = command.runOnce() || settings.runOnceRequested();
        String routesPattern = routesPattern(command);

        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + config.toAbsolutePath());
        main.addInitialProperty("camel.main.name", "orgsync");
        main.addInitialProperty("camel.main.routes-include-pattern", routesPattern);
        if (command.routesDir() != null) {
            main.addOverrideProperty("camel.main.routes-include-pattern", routesPattern);
        }
        main.addOverrideProperty("camel.main.auto-startup-exclude-pattern", excludedRoutes(settings, runOnce));
        effectiveProperties(settings).forEach(main::addOverrideProperty);
        overrides.forEach(main::addOverrideProperty);
        main.configure().addConfiguration(new OrgSyncConfiguration(settings, Clock.systemUTC()));
        try {
            if (!runOnce) {
                main.run();
                return EXIT_OK;
            }
            main.start();
            try {
                return runOnce(main.getCamelContext(), settings);
            } finally {
                main.stop();
            }
        } catch (Exception e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConfigurationException configuration) {
                    throw configuration;
                }
            }
            throw new ConfigurationException("routes", "Camel could not start: " + rootMessage(e));
        }
    }

    private int runOnce(CamelContext context, OrgSyncSettings settings) {
        for (SourceName source : settings.enabledSources()) {
            if (context.hasEndpoint("direct://" + source.id() + "-sync") == null) {
                throw new ConfigurationException("orgsync.sources", "'" + source.id() + "' has no route: expected "
                        + "a route from direct:" + source.id() + "-sync in the routes directory");
            }
        }
        int exit = EXIT_OK;
        ProducerTemplate template = context.createProducerTemplate();
        List<Manifest> manifests = new ArrayList<>();
        for (SourceName source : settings.enabledSources()) {
            Exchange done = template.send("direct:" + source.id() + "-sync", exchange -> { });
            if (done.getException() != null) {
                err.println("orgsync: " + source.id() + ": " + rootMessage(done.getException()));
            }
            String misconfigured = done.getProperty(RunCoordinator.MISCONFIGURED_KEY, String.class);
            Manifest manifest = done.getProperty(RunCoordinator.MANIFEST, Manifest.class);
            if (misconfigured != null) {
                err.println("orgsync: configuration error: " + oneLine(manifest == null
                        ? misconfigured : manifest.error()));
                exit = EXIT_CONFIGURATION;
            } else if (manifest == null || manifest.status() != RunStatus.SUCCESS) {
                exit = Math.max(exit, EXIT_RUN_FAILED);
            }
            if (manifest != null) {
                manifests.add(manifest);
            }
        }
        for (Manifest manifest : manifests) {
            out.println(DemoSetup.describe(manifest, settings));
        }
        return exit;
    }

    /** Scheduled routes are named {@code <source>-schedule}; they start only in service mode and for enabled sources. */
    private static String excludedRoutes(OrgSyncSettings settings, boolean runOnce) {
        if (runOnce) {
            return "quartz*";
        }
        List<String> disabled = new ArrayList<>();
        for (SourceName source : SourceName.values()) {
            if (!settings.enabledSources().contains(source)) {
                disabled.add(source.id() + "-schedule");
            }
        }
        return disabled.isEmpty() ? "" : String.join(",", disabled);
    }

    /** Derived values the routes read as {@code {{orgsync.<source>.…}}}, so YAML and Java see the same defaults. */
    private static Map<String, String> effectiveProperties(OrgSyncSettings settings) {
        Map<String, String> effective = new LinkedHashMap<>();
        for (SourceSettings source : settings.sources().values()) {
            SourceName name = source.name();
            effective.put(name.key("schedule"), source.schedule());
            effective.put(name.key("base-url"), source.baseUrl().toString());
            if (source.rootDepartmentId() != null) {
                effective.put(name.key("root-department-id"), source.rootDepartmentId());
            }
            if (source.tenant() != null) {
                effective.put(name.key("tenant"), source.tenant());
            }
        }
        return effective;
    }

    private static String routesPattern(CommandLine command) {
        Path dir = command.routesDir() == null ? Path.of("routes") : command.routesDir();
        boolean hasRoutes;
        try (Stream<Path> files = Files.list(dir)) {
            hasRoutes = files.anyMatch(p -> p.getFileName().toString().endsWith(".camel.yaml"));
        } catch (java.io.IOException | RuntimeException e) {
            hasRoutes = false;
        }
        if (!hasRoutes) {
            throw new ConfigurationException("--routes", "no *.camel.yaml routes in " + dir.toAbsolutePath()
                    + " (run from the project root, or pass --routes DIR)");
        }
        return "file:" + dir.toAbsolutePath() + "/*.camel.yaml";
    }

    /**
     * Resolves keys the way Camel will at run time (file, then {@code {{env:…}}} placeholders,
     * system properties and environment variables override), so validation sees what routes see.
     */
    private static java.util.function.Function<String, Optional<String>> lookup(Path config, Properties overrides) {
        DefaultCamelContext context = new DefaultCamelContext();
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.setLocation("file:" + config.toAbsolutePath());
        properties.setOverrideProperties(overrides);
        return key -> {
            try {
                return properties.resolveProperty(key);
            } catch (RuntimeException e) {
                throw new ConfigurationException(key, "cannot be resolved: " + rootMessage(e));
            }
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return oneLine(String.valueOf(root.getMessage()));
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
