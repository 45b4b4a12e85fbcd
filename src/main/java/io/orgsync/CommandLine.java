package io.orgsync;

import io.orgsync.config.ConfigurationException;

import java.nio.file.Path;

/** The command line's options (docs/operations.md). */
record CommandLine(boolean demo, boolean runOnce, Path routesDir, Path configFile, Path redeliverDir) {

    static final String USAGE = "usage: java -jar orgsync.jar [--demo] [--run-once] [--routes DIR] [--config FILE]"
            + " | --redeliver DIR [--config FILE]";

    static CommandLine parse(String[] args) {
        boolean demo = false;
        boolean runOnce = false;
        Path routes = null;
        Path config = Path.of("application.properties");
        Path redeliver = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--demo" -> demo = true;
                case "--run-once" -> runOnce = true;
                case "--routes" -> routes = Path.of(value(args, ++i, "--routes"));
                case "--config" -> config = Path.of(value(args, ++i, "--config"));
                case "--redeliver" -> redeliver = Path.of(value(args, ++i, "--redeliver"));
                default -> throw new ConfigurationException(args[i], "unknown option; " + USAGE);
            }
        }
        if (redeliver != null && (demo || runOnce || routes != null)) {
            throw new ConfigurationException("--redeliver", "goes alone (with --config at most); " + USAGE);
        }
        return new CommandLine(demo, runOnce, routes, config, redeliver);
    }

    CommandLine withRunOnce() {
        return new CommandLine(demo, true, routesDir, configFile, redeliverDir);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new ConfigurationException(option, "needs a value; " + USAGE);
        }
        return args[index];
    }
}
