package io.orgsync.cluster;

import io.orgsync.config.ConfigurationException;
import io.orgsync.config.JdbcSettings;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code orgsync.cluster.*}: whether the schedules live in a clustered Quartz job store on the
 * orgsync database, shared by every replica.
 *
 * @param schedulerName   the Quartz scheduler name; the same on every replica of one deployment
 *                        (that is what makes them one cluster), different for two deployments
 *                        sharing a database
 * @param checkinInterval how often each replica records that it is alive; a replica silent for
 *                        about this long plus 7.5 s is taken for dead and its running syncs are
 *                        started again by another
 */
public record ClusterSettings(boolean enabled, String schedulerName, long checkinInterval) {

    public static final String ENABLED_KEY = "orgsync.cluster.enabled";
    public static final String NAME_KEY = "orgsync.cluster.scheduler-name";
    public static final String CHECKIN_KEY = "orgsync.cluster.checkin-interval-ms";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public static ClusterSettings load(Function<String, Optional<String>> lookup, JdbcSettings jdbc) {
        boolean enabled = value(lookup, ENABLED_KEY).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(ENABLED_KEY, "'" + v + "' is not true or false");
        }).orElse(false);
        String name = value(lookup, NAME_KEY).orElse("orgsync");
        if (!NAME.matcher(name).matches()) {
            throw new ConfigurationException(NAME_KEY, "'" + name + "' must match " + NAME.pattern());
        }
        long checkin = value(lookup, CHECKIN_KEY).map(v -> {
            try {
                long ms = Long.parseLong(v);
                if (ms >= 500 && ms <= 600_000) {
                    return ms;
                }
            } catch (NumberFormatException e) {
                // reported below with the key
            }
            throw new ConfigurationException(CHECKIN_KEY, "'" + v + "' is not a number of milliseconds from 500 to 600000");
        }).orElse(7_500L);
        String url = jdbc.url().toLowerCase(Locale.ROOT);
        if (enabled && url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:")) {
            // an embedded database is private to one process: each replica would be a cluster of one
            throw new ConfigurationException(ENABLED_KEY, "a cluster needs a database every replica reaches; set "
                    + JdbcSettings.URL_KEY + " to PostgreSQL or MariaDB/MySQL (it is " + jdbc.redactedUrl() + ")");
        }
        return new ClusterSettings(enabled, name, checkin);
    }

    private static Optional<String> value(Function<String, Optional<String>> lookup, String key) {
        return lookup.apply(key).map(String::strip).filter(v -> !v.isEmpty());
    }
}
