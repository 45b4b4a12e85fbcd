package io.orgsync;

import io.orgsync.config.ConfigurationException;

import java.nio.file.Path;

/** The options of CONTRACT section 1. */
record CommandLine(boolean demo, boolean runOnce, Path routesDir, Path configFile) {

    static final String USAGE = "usage: java -jar orgsync.jar [--demo] [--run-once] [--routes DIR] [--config FILE]";

    static CommandLine parse(String[] args) {
        boolean demo = false;
        boolean runOnce = false;
        Path routes = null;
        Path config = Path.of("application.properties");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--demo" -> demo = true;
                case "--run-once" -> runOnce = true;
                case "--routes" -> routes = Path.of(value(args, ++i, "--routes"));
                case "--config" -> config = Path.of(value(args, ++i, "--config"));
                default -> throw new ConfigurationException(args[i], "unknown option; " + USAGE);
            }
        }
        return new CommandLine(demo, runOnce, routes, config);
    }

    CommandLine withRunOnce() {
        return new CommandLine(demo, true, routesDir, configFile);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new ConfigurationException(option, "needs a value; " + USAGE);
        }
        return args[index];
    }
}
