package io.orgsync.ops;

import io.orgsync.config.ConfigurationException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code orgsync.management.enabled} and {@code orgsync.management.port}: Camel's embedded
 * management server (Vert.x) with {@code /observe/health} and {@code /observe/metrics}. Ours
 * rather than Camel's own keys only so that {@code ORGSYNC_MANAGEMENT_PORT} works like every
 * other orgsync key and a bad port is exit 2 naming the key; everything else about the server
 * is Camel's {@code camel.management.*}.
 */
public record ManagementSettings(boolean enabled, int port) {

    public static final String ENABLED_KEY = "orgsync.management.enabled";
    public static final String PORT_KEY = "orgsync.management.port";
    public static final int DEFAULT_PORT = 8080;

    public static ManagementSettings load(Function<String, Optional<String>> lookup) {
        boolean enabled = lookup.apply(ENABLED_KEY).map(String::strip).filter(v -> !v.isEmpty())
                .map(value -> switch (value.toLowerCase(Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new ConfigurationException(ENABLED_KEY, "'" + value + "' is not true or false");
                }).orElse(true);
        int port = lookup.apply(PORT_KEY).map(String::strip).filter(v -> !v.isEmpty()).map(value -> {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= 0 && parsed <= 65535) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below with the key
            }
            throw new ConfigurationException(PORT_KEY, "'" + value + "' is not a port (0-65535; 0 picks a free one)");
        }).orElse(DEFAULT_PORT);
        return new ManagementSettings(enabled, port);
    }

    /**
     * Camel's management server binds asynchronously and only logs a port in use, leaving a
     * service without health or metrics; probing first turns that into exit 2 naming the key.
     * (A race with another process binding in between remains, and then Camel's WARN is all.)
     */
    public void checkPortFree() {
        if (!enabled || port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(port));
        } catch (java.io.IOException e) {
            throw new ConfigurationException(PORT_KEY, "port " + port + " cannot be used for the management server: "
                    + e.getMessage() + " (choose a free port, or set " + ENABLED_KEY + "=false)");
        }
    }

    /**
     * Camel Main properties for this process. A {@code --run-once} or {@code --demo} has nobody
     * scraping it and must never fail or wait on a port another process holds, so the server and
     * Camel's route metrics are off there whatever the settings say.
     */
    public Map<String, String> camelProperties(boolean runOnce) {
        boolean serve = enabled && !runOnce;
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("camel.management.enabled", String.valueOf(serve));
        properties.put("camel.metrics.enabled", String.valueOf(serve));
        if (serve) {
            properties.put("camel.management.port", String.valueOf(port));
        }
        return properties;
    }
}
