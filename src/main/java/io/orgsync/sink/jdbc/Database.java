package io.orgsync.sink.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orgsync.config.ConfigurationException;
import io.orgsync.config.JdbcSettings;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * The connection pool to {@code orgsync.jdbc.url}, opened and migrated at start-up. Opening is
 * where a wrong URL, an unreachable server or a refused password shows, so every failure here
 * becomes a {@link ConfigurationException} naming the key to fix (exit code 2), never a run
 * failure at 2 a.m.
 */
public final class Database implements AutoCloseable {

    /** One connection per run being applied, plus reads; sources rarely run at the same minute. */
    static final int POOL_SIZE = 4;

    /** Flyway's own table, named so that it cannot clash with a Flyway the user runs in the same schema. */
    static final String HISTORY_TABLE = "orgsync_schema_history";
    static final String MIGRATIONS = "classpath:db/orgsync";

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /**
     * H2's DATABASE_ALREADY_OPEN: an embedded database's file is locked by another process. H2 says
     * "Database may be already in use", which reads like a broken configuration.
     */
    static final int H2_DATABASE_ALREADY_OPEN = 90020;

    private final HikariDataSource dataSource;
    private final SqlDialect dialect;
    private final JdbcSettings settings;

    private Database(HikariDataSource dataSource, SqlDialect dialect, JdbcSettings settings) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.settings = settings;
    }

    /**
     * Connects, creates or migrates orgsync's tables and keeps a small pool open.
     *
     * @throws ConfigurationException naming {@code orgsync.jdbc.url} or {@code orgsync.jdbc.password}
     */
    public static Database open(JdbcSettings settings) {
        SqlDialect dialect;
        try {
            dialect = SqlDialect.of(settings.url());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(JdbcSettings.URL_KEY, "'" + settings.redactedUrl()
                    + "' is not a supported JDBC URL");
        }
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(poolConfig(settings, dialect));
        } catch (RuntimeException e) {
            throw startFailure(settings, e);
        }
        Database database = new Database(dataSource, dialect, settings);
        try {
            database.migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e instanceof ConfigurationException ? e : startFailure(settings, e);
        }
        return database;
    }

    private static HikariConfig poolConfig(JdbcSettings settings, SqlDialect dialect) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("orgsync-db");
        config.setJdbcUrl(dialect.driverUrl(settings.url()));
        if (!settings.username().isEmpty()) {
            config.setUsername(settings.username());
        } else if (dialect == SqlDialect.H2) {
            // H2's conventional administrator; an embedded file database is created with it
            config.setUsername("sa");
        }
        if (!settings.password().isEmpty()) {
            config.setPassword(settings.password());
        }
        config.setDataSourceProperties(dialect.driverProperties());
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(15_000);
        // fail at start-up, with the driver's reason, instead of at the first run
        config.setInitializationFailTimeout(1);
        // the same semantics on all three; MariaDB's default REPEATABLE READ takes gap locks that
        // make two tenants applied at the same time block each other
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        return config;
    }

    private void migrate() {
        Flyway flyway = Flyway.configure(Database.class.getClassLoader())
                .dataSource(dataSource)
                .locations(MIGRATIONS)
                .table(HISTORY_TABLE)
                .placeholders(dialect.placeholders())
                // a database that already holds other applications' tables is fine; version 0 so
                // that V1 still runs there
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        MigrateResult result = Migrations.migrate(flyway);
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            LOG.info("database: {} {} at {}, orgsync schema version {}{}", meta.getDatabaseProductName(),
                    meta.getDatabaseProductVersion(), settings.redactedUrl(),
                    flyway.info().current() == null ? "?" : flyway.info().current().getVersion(),
                    result.migrationsExecuted > 0 ? " (" + result.migrationsExecuted + " migration(s) applied now)"
                            : "");
            if (dialect == SqlDialect.MARIADB) {
                warnUnlessDurable(connection);
            }
        } catch (SQLException e) {
            throw startFailure(settings, e);
        }
    }

    /**
     * A run is published only once its commit would survive a crash; on MariaDB and MySQL that
     * holds only with innodb_flush_log_at_trx_commit = 1 (the default), a server-wide setting orgsync
     * cannot change for its own transactions.
     */
    private void warnUnlessDurable(Connection connection) {
        try (java.sql.Statement statement = connection.createStatement();
             java.sql.ResultSet row = statement.executeQuery("SELECT @@innodb_flush_log_at_trx_commit")) {
            if (row.next() && !"1".equals(row.getString(1))) {
                LOG.warn("the database at {} has innodb_flush_log_at_trx_commit = {}: a run's commit can be lost in "
                        + "a crash after orgsync published it; set it to 1", settings.redactedUrl(), row.getString(1));
            }
        } catch (SQLException e) {
            LOG.debug("cannot read innodb_flush_log_at_trx_commit: {}", e.getMessage());
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public SqlDialect dialect() {
        return dialect;
    }

    public JdbcSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /**
     * Picks the key the user has to change from the SQL state: class 28 (and PostgreSQL's 08004,
     * "password required") is the login, 3D000 / MariaDB 1049 a database that does not exist,
     * anything else the URL. The driver's reason is kept, minus the password.
     */
    static ConfigurationException startFailure(JdbcSettings settings, Throwable failure) {
        SQLException sql = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException e) {
                sql = e;
                break;
            }
        }
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        int code = sql == null ? 0 : sql.getErrorCode();
        String reason = settings.scrub(firstLine(sql != null ? sql.getMessage() : rootMessage(failure)));
        if (state.startsWith("28") || state.equals("08004") || code == 1045) {
            String user = settings.username().isEmpty() ? "(none)" : "'" + settings.username() + "'";
            return new ConfigurationException(JdbcSettings.PASSWORD_KEY, "the database at "
                    + settings.redactedUrl() + " refused the login of user " + user + " (check "
                    + JdbcSettings.USERNAME_KEY + " and " + JdbcSettings.PASSWORD_KEY + "): " + reason);
        }
        String embedded = code == H2_DATABASE_ALREADY_OPEN ? embeddedFile(settings.url()) : null;
        if (embedded != null) {
            return new ConfigurationException(JdbcSettings.URL_KEY, "another orgsync process (or other program) "
                    + "holds the embedded database at " + embedded + "; stop it, or point " + JdbcSettings.URL_KEY
                    + " at a server database (PostgreSQL, MariaDB or MySQL) for several processes to share");
        }
        if (state.equals("3D000") || code == 1049) {
            return new ConfigurationException(JdbcSettings.URL_KEY, "the database named in "
                    + settings.redactedUrl() + " does not exist; create it first: " + reason);
        }
        return new ConfigurationException(JdbcSettings.URL_KEY, "cannot open or set up the database at "
                + settings.redactedUrl() + ": " + reason);
    }

    /**
     * Where an embedded H2 URL keeps its data, as H2 resolves it ({@code ~} is the home folder);
     * {@code null} for any other URL (a server, an in-memory database, another product).
     */
    static String embeddedFile(String url) {
        if (!url.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
            return null;
        }
        String location = url.substring("jdbc:h2:".length());
        int options = location.indexOf(';');
        location = options < 0 ? location : location.substring(0, options);
        if (location.regionMatches(true, 0, "file:", 0, 5)) {
            location = location.substring(5);
        }
        // tcp://, ssl://, mem:, zip: and the like; a drive letter (C:) is a path
        if (location.contains("://") || location.indexOf(':') > 1) {
            return null;
        }
        if (location.startsWith("~")) {
            location = System.getProperty("user.home") + location.substring(1);
        }
        try {
            return Path.of(location + ".mv.db").toAbsolutePath().normalize().toString();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.strip();
        int end = line.indexOf('\n');
        return (end < 0 ? line : line.substring(0, end)).strip();
    }

    /**
     * The database's own reason, first line only: a batch failure's message quotes the whole
     * statement with its values (names, mobiles), which belong neither in a log nor in the run's
     * {@code error}.
     */
    static String describe(SQLException e) {
        SQLException reason = e;
        if (e instanceof BatchUpdateException && e.getNextException() != null) {
            reason = e.getNextException();
        } else if (e instanceof BatchUpdateException && e.getCause() instanceof SQLException cause) {
            reason = cause;
        }
        String text = firstLine(reason.getMessage());
        int batchEntry = text.indexOf("Call getNextException");
        if (batchEntry >= 0) {
            text = text.substring(0, batchEntry).strip();
        }
        if (text.length() > 300) {
            text = text.substring(0, 300) + "…";
        }
        return text + (reason.getSQLState() == null ? "" : " (SQL state " + reason.getSQLState() + ")");
    }
}
