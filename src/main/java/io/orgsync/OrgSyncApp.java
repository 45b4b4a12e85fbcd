package io.orgsync;

import io.orgsync.cluster.ClusterSettings;
import io.orgsync.cluster.ClusteredScheduling;
import io.orgsync.config.ConfigurationException;
import io.orgsync.config.OrgSyncSettings;
import io.orgsync.config.SourceName;
import io.orgsync.config.SourceSettings;
import io.orgsync.ops.ManagementSettings;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunCoordinator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.spi.PropertiesComponent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * orgsync as Camel Main runs it: settings validated first, then the YAML routes from the routes
 * directory and the beans of {@link OrgSyncConfiguration}. The command line and the tests both go
 * through here, so what tests prove is what users run.
 */
public final class OrgSyncApp implements AutoCloseable {

    private final OrgSyncSettings settings;
    private final Main main;
    private final boolean runOnce;
    private boolean started;

    private OrgSyncApp(OrgSyncSettings settings, Main main, boolean runOnce) {
        this.settings = settings;
        this.main = main;
        this.runOnce = runOnce;
    }

    /**
     * @param routesDir  {@code null}: {@code ./routes}, unless the configuration sets
     *                   {@code camel.main.routes-include-pattern}
     * @param overrides  win over the file, system properties and environment ({@code --demo}, tests)
     * @throws ConfigurationException naming the key to fix
     */
    public static OrgSyncApp create(Path config, Path routesDir, Map<String, String> overrides, boolean runOnce) {
        Properties overrideProperties = new Properties();
        overrideProperties.putAll(overrides);
        Function<String, Optional<String>> lookup = lookup(config, overrideProperties);
        OrgSyncSettings settings = OrgSyncSettings.load(lookup);
        boolean once = runOnce || settings.runOnceRequested();

        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + config.toAbsolutePath());
        String routesPattern = routesPattern(routesDir, lookup);
        main.addOverrideProperty("camel.main.routes-include-pattern", routesPattern);
        // every route file is loaded: the vendor files hold route templates only, which run nothing until
        // TenantRoutes instantiates them for a tenant (and a source Kamelet's tenant may need any vendor's)
        if (once) {
            // a stopped Quartz route still schedules its job; without a scheduler nothing can fire mid-run
            main.addOverrideProperty("camel.main.auto-startup-exclude-pattern", "quartz*");
            main.addOverrideProperty("camel.component.quartz.auto-start-scheduler", "false");
        }
        effectiveProperties(settings).forEach(main::addOverrideProperty);
        ManagementSettings management = ManagementSettings.load(lookup);
        if (!once) {
            management.checkPortFree();
        }
        management.camelProperties(once).forEach(main::addOverrideProperty);
        overrides.forEach(main::addOverrideProperty);
        main.configure().addConfiguration(new OrgSyncConfiguration(settings, Clock.systemUTC()));
        ClusterSettings cluster = ClusterSettings.load(lookup, settings.jdbc());
        // a --run-once starts no scheduler, so it has nothing to share
        if (cluster.enabled() && !once) {
            main.configure().addConfiguration(ClusteredScheduling.configuration(cluster, settings.jdbc()));
        }
        return new OrgSyncApp(settings, main, once);
    }

    /** The database always receives successful runs (it is the state store), then {@code orgsync.sinks}. */
    private List<String> sinksWithRoutes() {
        List<String> sinks = new ArrayList<>(List.of("jdbc"));
        settings.sinks().stream().filter(s -> !sinks.contains(s)).forEach(sinks::add);
        return sinks;
    }

    public OrgSyncSettings settings() {
        return settings;
    }

    public boolean runOnce() {
        return runOnce;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public void start() {
        try {
            main.start();
            started = true;
        } catch (Exception e) {
            throw startFailure(e);
        }
        for (SourceSettings tenant : settings.runnable()) {
            if (context().hasEndpoint("direct://" + tenant.routeName() + "-sync") == null) {
                String key = tenant.tenantName() == null ? "orgsync.sources" : tenant.key("source");
                throw new ConfigurationException(key, "'" + tenant.prefix() + "' has no route: expected "
                        + "a route from direct:" + tenant.routeName() + "-sync, made from " + tenant.name().id()
                        + "-sync-template in " + tenant.name().id() + ".camel.yaml");
            }
        }
        // without its route every successful run would fail at the recipient list
        for (String sink : sinksWithRoutes()) {
            if (context().hasEndpoint("direct://sink-" + sink) == null) {
                throw new ConfigurationException("--routes", "no route from direct:sink-" + sink + " (the "
                        + sink + "-sink.camel.yaml of this version is missing from the routes directory)");
            }
        }
    }

    /** Blocks until the JVM is asked to stop; the Quartz routes fire the syncs. */
    public void runForever() {
        start();
        // Camel's own start-up lines are at WARN (logback.xml): this is the one line saying the service is up
        org.slf4j.LoggerFactory.getLogger(OrgSyncApp.class).info("orgsync service started: sources {} and tenants {} "
                + "on their schedules, sinks {}", settings.enabledSources().stream().map(SourceName::id).toList(),
                settings.tenants().keySet(), sinksWithRoutes());
        try {
            // run() finds Camel started and only waits for the shutdown signal
            main.run();
        } catch (Exception e) {
            throw startFailure(e);
        }
    }

    /** One run of one source's own tenant, as its schedule would start it. */
    public RunOutcome sync(SourceName source) {
        return sync(settings.source(source));
    }

    /** One run of a named tenant of {@code orgsync.tenants}. */
    public RunOutcome syncTenant(String tenantName) {
        SourceSettings tenant = settings.tenants().get(tenantName);
        if (tenant == null) {
            throw new IllegalArgumentException("no tenant '" + tenantName + "' in " + OrgSyncSettings.TENANTS_KEY);
        }
        return sync(tenant);
    }

    /**
     * Each tenant's run is an exchange of its own through its own route: whatever one run meets —
     * a rejected secret, a vendor down, even a bug — ends in its own outcome and the next still runs.
     */
    public RunOutcome sync(SourceSettings tenant) {
        Exchange done = context().createProducerTemplate().send("direct:" + tenant.routeName() + "-sync", exchange -> { });
        return new RunOutcome(tenant.name(), done.getProperty(RunCoordinator.MANIFEST, Manifest.class),
                done.getProperty(RunCoordinator.MISCONFIGURED_KEY, String.class), done.getException(), tenant.prefix());
    }

    /** Every enabled source's own tenant, then every named tenant, one after the other. */
    public List<RunOutcome> syncAll() {
        List<RunOutcome> outcomes = new ArrayList<>();
        for (SourceSettings tenant : settings.runnable()) {
            outcomes.add(sync(tenant));
        }
        return outcomes;
    }

    @Override
    public void close() {
        if (started) {
            try {
                main.stop();
            } catch (Exception e) {
                throw new IllegalStateException("Camel did not stop cleanly", e);
            }
        }
    }

    /**
     * @param misconfiguredKey set when the vendor rejected a credential: the fix is that key
     * @param exception        an error no route handled (a bug, not a vendor failure)
     */
    public record RunOutcome(SourceName source, Manifest manifest, String misconfiguredKey, Exception exception,
                             String configured) {
    }

    private static ConfigurationException startFailure(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConfigurationException configuration) {
                return configuration;
            }
        }
        return new ConfigurationException("routes", "Camel could not start: " + OrgSync.rootMessage(e));
    }

    /** Derived values the routes read as {@code {{orgsync.<source>.…}}}, so YAML and Java see the same defaults. */
    static Map<String, String> effectiveProperties(OrgSyncSettings settings) {
        Map<String, String> effective = new LinkedHashMap<>();
        for (SourceSettings source : settings.sources().values()) {
            SourceName name = source.name();
            effective.put(name.key("schedule"), source.schedule());
            effective.put(name.key("base-url"), source.baseUrl().toString());
            // left unset for the vendor's own root: the routes then ask for the whole tree, which is
            // also the only answer that shows departments cut off from the root (cycles, orphans)
            if (source.rootDepartmentId() != null
                    && !source.rootDepartmentId().equals(name.definition().defaultRootDepartmentId())) {
                effective.put(name.key("root-department-id"), source.rootDepartmentId());
            }
            if (source.tenant() != null) {
                effective.put(name.key("tenant"), source.tenant());
            }
            source.options().forEach((option, value) -> effective.put(name.key(option), value));
        }
        return effective;
    }

    private static String routesPattern(Path routesDir, Function<String, Optional<String>> lookup) {
        if (routesDir == null) {
            Optional<String> configured = lookup.apply("camel.main.routes-include-pattern");
            if (configured.isPresent() && !configured.get().isBlank()) {
                return configured.get();
            }
        }
        Path dir = routesDir == null ? Path.of("routes") : routesDir;
        boolean hasRoutes;
        try (Stream<Path> files = Files.list(dir)) {
            hasRoutes = files.anyMatch(p -> p.getFileName().toString().endsWith(".camel.yaml"));
        } catch (IOException | RuntimeException e) {
            hasRoutes = false;
        }
        if (!hasRoutes) {
            throw new ConfigurationException("--routes", "no *.camel.yaml routes in " + dir.toAbsolutePath()
                    + " (run from the project root, or pass --routes DIR)");
        }
        return "file:" + dir.toAbsolutePath() + "/*.camel.yaml";
    }

    /**
     * Resolves keys the way Camel will at run time (the file with its {@code {{env:…}}}
     * placeholders, overridden by system properties and environment variables), so validation
     * sees exactly what the routes will see.
     */
    static Function<String, Optional<String>> lookup(Path config, Properties overrides) {
        if (!Files.isRegularFile(config) || !Files.isReadable(config)) {
            throw new ConfigurationException("--config", "cannot read configuration file " + config.toAbsolutePath()
                    + " (run from the project root, or pass --config FILE)");
        }
        DefaultCamelContext context = new DefaultCamelContext();
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.setLocation("file:" + config.toAbsolutePath());
        properties.setOverrideProperties(overrides);
        return key -> {
            try {
                return properties.resolveProperty(key);
            } catch (RuntimeException e) {
                throw new ConfigurationException(key, "cannot be resolved: " + OrgSync.rootMessage(e));
            }
        };
    }
}
