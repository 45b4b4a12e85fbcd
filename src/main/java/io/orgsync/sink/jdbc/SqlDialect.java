package io.orgsync.sink.jdbc;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Everything that differs between the databases orgsync writes to, in one place: column types
 * for the Flyway script, the upsert statement (no single syntax runs on H2, PostgreSQL 14 and
 * MariaDB: ON CONFLICT is PostgreSQL's alone, ON DUPLICATE KEY MariaDB's, and PostgreSQL has MERGE
 * only from 15) and driver options. Every other statement is plain SQL that
 * all three accept.
 */
public enum SqlDialect {

    /** H2's own {@code MERGE … KEY} works in every compatibility mode a user might put in the URL. */
    H2("H2", "CHARACTER VARYING", "TIMESTAMP(3)", "BLOB", "") {
        @Override
        String upsert(String table, List<String> keys, List<String> columns) {
            return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + String.join(", ", keys)
                    + ") VALUES (" + parameters(columns) + ")";
        }

        /**
         * The embedded database shares orgsync's heap, and H2's own page cache default (64 MB
         * scaled by memory) let a first run of 130,000 members at -Xmx48m run out of heap while
         * applying; a sixteenth of the heap, 1 to 64 MB, did not. A CACHE_SIZE in the URL wins.
         */
        @Override
        String driverUrl(String url) {
            if (url.toUpperCase(Locale.ROOT).contains(";CACHE_SIZE=")) {
                return url;
            }
            long kilobytes = Math.max(1024, Math.min(64 * 1024, Runtime.getRuntime().maxMemory() / 16 / 1024));
            return url + ";CACHE_SIZE=" + kilobytes;
        }

        /**
         * H2 writes a commit to its file up to WRITE_DELAY (500 ms) later, and fsyncs it only on a
         * checkpoint: a process killed right after a commit lost it (measured with H2 2.3.232: a
         * table created and committed, the process halted 10 ms later, gone on reopening; with a
         * CHECKPOINT SYNC after the commit, there). One checkpoint per applied run costs nothing
         * next to the run.
         */
        @Override
        String afterCommit() {
            return "CHECKPOINT SYNC";
        }
    },

    /** {@code ON CONFLICT} rather than {@code MERGE}: MERGE arrived only in PostgreSQL 15. */
    POSTGRESQL("PostgreSQL", "TEXT", "TIMESTAMP(3)", "BYTEA", "") {
        @Override
        String upsert(String table, List<String> keys, List<String> columns) {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + parameters(columns)
                    + ") ON CONFLICT (" + String.join(", ", keys) + ") DO UPDATE SET "
                    + nonKeys(keys, columns).stream().map(c -> c + " = EXCLUDED." + c)
                    .collect(Collectors.joining(", "));
        }

        /** The server's default, but a database or role may turn it off: a run's commit must survive a crash. */
        @Override
        String inTransaction() {
            return "SET LOCAL synchronous_commit TO on";
        }

        @Override
        Properties driverProperties() {
            Properties properties = new Properties();
            // sends a batch of INSERTs as multi-row statements: several times the rows per round trip
            properties.setProperty("reWriteBatchedInserts", "true");
            properties.setProperty("connectTimeout", "10");
            properties.setProperty("ApplicationName", "orgsync");
            return properties;
        }
    },

    /**
     * MariaDB and MySQL. utf8mb4 so that rare CJK characters and emoji fit; a binary collation
     * because vendor ids differ by case ({@code zhangSan} and {@code zhangsan} are two people).
     */
    MARIADB("MariaDB/MySQL", "LONGTEXT", "DATETIME(3)", "LONGBLOB",
            " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin") {
        @Override
        String upsert(String table, List<String> keys, List<String> columns) {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + parameters(columns)
                    + ") ON DUPLICATE KEY UPDATE "
                    + nonKeys(keys, columns).stream().map(c -> c + " = VALUES(" + c + ")")
                    .collect(Collectors.joining(", "));
        }

        @Override
        Properties driverProperties() {
            Properties properties = new Properties();
            properties.setProperty("connectTimeout", "10000");
            return properties;
        }

        @Override
        String driverUrl(String url) {
            // the MariaDB driver serves MySQL too, but only takes jdbc:mysql: URLs when told so
            if (url.toLowerCase(Locale.ROOT).startsWith("jdbc:mysql:") && !url.contains("permitMysqlScheme")) {
                return url + (url.contains("?") ? "&" : "?") + "permitMysqlScheme";
            }
            return url;
        }
    };

    private final String displayName;
    private final String textType;
    private final String timestampType;
    private final String bytesType;
    private final String tableOptions;

    SqlDialect(String displayName, String textType, String timestampType, String bytesType, String tableOptions) {
        this.displayName = displayName;
        this.textType = textType;
        this.timestampType = timestampType;
        this.bytesType = bytesType;
        this.tableOptions = tableOptions;
    }

    /** @throws IllegalArgumentException for a URL of a database orgsync does not support */
    public static SqlDialect of(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            return MARIADB;
        }
        throw new IllegalArgumentException("unsupported database URL scheme");
    }

    public String displayName() {
        return displayName;
    }

    /** Fills the {@code ${…}} placeholders of the Flyway scripts. */
    Map<String, String> placeholders() {
        return Map.of("text", textType, "timestamp", timestampType, "bytes", bytesType, "table_options", tableOptions);
    }

    /**
     * Insert the row, or overwrite every non-key column of the row with the same key.
     * Parameters are bound in the order of {@code columns}.
     */
    abstract String upsert(String table, List<String> keys, List<String> columns);

    Properties driverProperties() {
        return new Properties();
    }

    /**
     * A statement that makes this transaction's commit durable once it returns, run first in the
     * transaction that applies a run; null where the database's commit already is. (MariaDB's
     * durability is the server-wide innodb_flush_log_at_trx_commit, checked at start instead.)
     */
    String inTransaction() {
        return null;
    }

    /** A statement that makes the commit just made durable; null where the commit already is. */
    String afterCommit() {
        return null;
    }

    String driverUrl(String url) {
        return url;
    }

    /** A plain insert: the same in every dialect, for rows known not to exist yet. */
    static String insert(String table, List<String> columns) {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + parameters(columns) + ")";
    }

    private static String parameters(List<String> columns) {
        return columns.stream().map(c -> "?").collect(Collectors.joining(", "));
    }

    private static List<String> nonKeys(List<String> keys, List<String> columns) {
        return columns.stream().filter(c -> !keys.contains(c)).toList();
    }
}
