package io.orgsync.config;

import org.quartz.CronExpression;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@code orgsync.*} settings through a lookup (Camel's properties: file, system
 * properties, environment) and turns every bad value into a {@link ConfigurationException} that
 * names its key. Blank values count as unset.
 */
public record SettingsReader(Function<String, Optional<String>> lookup) {

    public Optional<String> get(String key) {
        return lookup.apply(key).map(String::strip).filter(v -> !v.isEmpty());
    }

    public List<String> list(String key) {
        return list(key, "");
    }

    public List<String> list(String key, String fallback) {
        return Arrays.stream(get(key).orElse(fallback).split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public String cron(String key, String fallback) {
        String value = get(key).orElse(fallback);
        if (!CronExpression.isValidExpression(value)) {
            throw new ConfigurationException(key, "'" + value + "' is not a Quartz cron expression "
                    + "(six or seven fields, e.g. '0 0 2 * * ?' for 02:00 daily)");
        }
        return value;
    }

    public URI url(String key, String fallback) {
        String value = get(key).orElse(fallback);
        try {
            URI uri = new URI(value);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!http || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || uri.getRawUserInfo() != null) {
                throw new URISyntaxException(value, "not an http(s) base URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigurationException(key, "'" + value + "' is not a base URL; expected http(s)://host[:port][/prefix] "
                    + "without query");
        }
    }

    public int integer(String key, int fallback, int min, int max) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get().replace("_", ""));
            if (parsed < min || parsed > max) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key, "'" + value.get() + "' is not a whole number from " + min
                    + " to " + max);
        }
    }

    public boolean bool(String key, boolean fallback) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return fallback;
        }
        return switch (value.get().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(key, "'" + value.get() + "' is not true or false");
        };
    }

    public Path path(String key, String fallback) {
        String value = get(key).orElse(fallback);
        try {
            return Path.of(value);
        } catch (RuntimeException e) {
            throw new ConfigurationException(key, "'" + value + "' is not a usable path");
        }
    }

    public String matching(String key, String fallback, Pattern allowed) {
        String value = get(key).orElse(fallback);
        if (!allowed.matcher(value).matches()) {
            throw new ConfigurationException(key, "'" + value + "' is not one of " + allowed.pattern()
                    .replace("|", ", "));
        }
        return value;
    }

    public Duration millis(String key, int fallback, int min, int max) {
        return Duration.ofMillis(integer(key, fallback, min, max));
    }
}
