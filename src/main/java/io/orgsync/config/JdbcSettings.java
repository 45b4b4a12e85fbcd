package io.orgsync.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The database that keeps the state of every source and tenant and receives every successful run
 * (docs/guarantees.md). {@link #toString()} and {@link #redactedUrl()} leave
 * the password out, also one written into the URL.
 *
 * @param username empty when the database needs none
 * @param password empty when the database needs none; never logged, never in a message
 */
public record JdbcSettings(String url, String username, String password) {

    public static final String URL_KEY = "orgsync.jdbc.url";
    public static final String USERNAME_KEY = "orgsync.jdbc.username";
    public static final String PASSWORD_KEY = "orgsync.jdbc.password";

    /**
     * Relative to the working directory, like {@code exports}. H2 is told not to close the
     * database in its own shutdown hook: orgsync closes its pool after Camel has stopped, and a
     * run finishing during shutdown must not find the database gone.
     */
    public static final String DEFAULT_URL = "jdbc:h2:file:./data/orgsync;DB_CLOSE_ON_EXIT=FALSE";

    /** The drivers in the bundle; {@code jdbc:mysql:} is served by the MariaDB driver. */
    public static final List<String> SUPPORTED_PREFIXES =
            List.of("jdbc:h2:", "jdbc:postgresql:", "jdbc:mariadb:", "jdbc:mysql:");

    private static final Pattern PASSWORD_PARAMETER =
            Pattern.compile("(?i)((?:password|pwd)\\s*=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]*:)[^/@]*@");

    public JdbcSettings {
        username = username == null ? "" : username;
        password = password == null ? "" : password;
    }

    /** The database keys as a configuration gives them, for commands that need the database alone. */
    public static JdbcSettings load(java.util.function.Function<String, java.util.Optional<String>> lookup) {
        return validated(lookup.apply(URL_KEY).orElse(null), lookup.apply(USERNAME_KEY).orElse(""),
                lookup.apply(PASSWORD_KEY).orElse(""));
    }

    static JdbcSettings validated(String url, String username, String password) {
        String effective = url == null || url.isBlank() ? DEFAULT_URL : url.strip();
        String lower = effective.toLowerCase(Locale.ROOT);
        if (SUPPORTED_PREFIXES.stream().noneMatch(lower::startsWith)) {
            throw new ConfigurationException(URL_KEY, "'" + redact(effective) + "' is not a supported JDBC URL; "
                    + "expected jdbc:postgresql://host:5432/db, jdbc:mariadb://host:3306/db (also for MySQL), "
                    + "jdbc:h2:file:./data/orgsync, or empty for the embedded database");
        }
        return new JdbcSettings(effective, username, password);
    }

    /** The URL as it may be shown: passwords in it are replaced by {@code ***}. */
    public String redactedUrl() {
        return redact(url);
    }

    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String redacted = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(redacted).replaceAll("$1***@");
    }

    /**
     * Removes the password from text a driver produced, for drivers that echo connection
     * properties in their messages.
     */
    public String scrub(String message) {
        if (message == null) {
            return null;
        }
        String scrubbed = message;
        if (!password.isEmpty()) {
            scrubbed = scrubbed.replace(password, "***");
        }
        return scrubbed.replace(url, redactedUrl());
    }

    @Override
    public String toString() {
        return "JdbcSettings[url=" + redactedUrl() + ", username=" + username + "]";
    }
}
