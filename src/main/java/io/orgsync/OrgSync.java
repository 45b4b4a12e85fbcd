package io.orgsync;

import io.orgsync.config.ConfigurationException;
import io.orgsync.config.JdbcSettings;
import io.orgsync.sink.jdbc.Database;
import io.orgsync.sink.jdbc.JdbcStore;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.sink.webhook.Redeliverer;

import java.io.PrintStream;
import java.util.Map;

/**
 * The command line: {@code --demo}, {@code --run-once}, {@code --routes DIR},
 * {@code --config FILE}; otherwise a scheduled service. A configuration error is one line on
 * stderr naming the key, and exit code 2.
 */
public final class OrgSync {

    public static final int EXIT_OK = 0;
    public static final int EXIT_RUN_FAILED = 1;
    public static final int EXIT_CONFIGURATION = 2;

    private final PrintStream out;
    private final PrintStream err;

    OrgSync(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new OrgSync(System.out, System.err).run(args));
    }

    int run(String[] args) {
        try {
            CommandLine command = CommandLine.parse(args);
            if (command.demo()) {
                return demo(command);
            }
            if (command.redeliverDir() != null) {
                return redeliver(command);
            }
            return sync(command, Map.of());
        } catch (ConfigurationException e) {
            err.println("orgsync: configuration error: " + oneLine(e.getMessage()));
            return EXIT_CONFIGURATION;
        }
    }

    private int demo(CommandLine command) {
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults())) {
            Map<String, String> overrides = DemoSetup.overrides(simulator, command.routesDir());
            out.println("orgsync demo: vendor simulator on " + simulator.baseUrl() + ", syncing "
                    + overrides.get("orgsync.sources"));
            return sync(command.withRunOnce(), overrides);
        }
    }

    private int sync(CommandLine command, Map<String, String> overrides) {
        try (OrgSyncApp app = OrgSyncApp.create(command.configFile(), command.routesDir(), overrides,
                command.runOnce())) {
            if (!app.runOnce()) {
                app.runForever();
                return EXIT_OK;
            }
            app.start();
            int exit = EXIT_OK;
            for (OrgSyncApp.RunOutcome outcome : app.syncAll()) {
                Manifest manifest = outcome.manifest();
                if (outcome.exception() != null) {
                    err.println("orgsync: " + outcome.configured() + ": " + rootMessage(outcome.exception()));
                }
                if (outcome.misconfiguredKey() != null) {
                    err.println("orgsync: configuration error: " + oneLine(manifest == null
                            ? outcome.misconfiguredKey() : manifest.error()));
                    exit = EXIT_CONFIGURATION;
                } else if (manifest == null || manifest.status() != RunStatus.SUCCESS
                        || manifest.deliveryFailures() > 0) {
                    exit = Math.max(exit, EXIT_RUN_FAILED);
                }
                if (manifest != null) {
                    out.println(DemoSetup.describe(manifest, app.settings()));
                }
            }
            return exit;
        }
    }

    /** Re-sends dead letters with their original ids, using the webhook settings of the configuration. */
    private int redeliver(CommandLine command) {
        var lookup = OrgSyncApp.lookup(command.configFile(), new java.util.Properties());
        int exit;
        // only runs the database records as committed are sent: a run a crash took back never reached anyone
        try (JdbcStore database = new JdbcStore(Database.open(JdbcSettings.load(lookup)), java.time.Clock.systemUTC())) {
            exit = Redeliverer.run(command.redeliverDir(), lookup, database);
        }
        out.println(exit == EXIT_OK ? "orgsync: every dead letter under " + command.redeliverDir() + " was delivered"
                : "orgsync: some dead letters under " + command.redeliverDir() + " still fail; they stay for a later "
                + "--redeliver");
        return exit;
    }

    static String rootMessage(Throwable e) {
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
