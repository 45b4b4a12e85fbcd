package io.orgsync.cluster;

import io.orgsync.config.ConfigurationException;
import io.orgsync.config.JdbcSettings;
import io.orgsync.sink.jdbc.Database;
import io.orgsync.sink.jdbc.SqlDialect;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.support.service.ServiceSupport;
import io.orgsync.sink.jdbc.Migrations;
import org.flywaydb.core.Flyway;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Turns camel-quartz into a clustered JDBC job store on the orgsync database: every replica
 * schedules the same triggers under the same scheduler name, Quartz's row locks hand each firing
 * to exactly one of them, and a replica that stops checking in has its running syncs fired again
 * elsewhere ({@code requestsRecovery}). The routes are unchanged: a cron route is the same
 * {@code quartz:} endpoint, only its store is shared.
 */
public final class ClusteredScheduling {

    /** Not Quartz's QRTZ_, so that another application's Quartz tables in the same schema are left alone. */
    public static final String TABLE_PREFIX = "ORGSYNC_QRTZ_";
    static final String HISTORY_TABLE = "orgsync_quartz_schema_history";
    private static final Logger LOG = LoggerFactory.getLogger(ClusteredScheduling.class);

    private ClusteredScheduling() {
    }

    /** For Camel Main: runs {@link #configure} with the other configuration classes, before routes are added. */
    public static org.apache.camel.CamelConfiguration configuration(ClusterSettings cluster, JdbcSettings jdbc) {
        return new org.apache.camel.CamelConfiguration() {
            @Override
            public void configure(CamelContext context) {
                ClusteredScheduling.configure(context, cluster, jdbc);
            }
        };
    }

    /** Call while Camel is being configured, before any route creates its quartz endpoint. */
    public static void configure(CamelContext context, ClusterSettings cluster, JdbcSettings jdbc) {
        // a pool of its own: trigger acquisition and check-ins must not wait behind a run's apply
        Database database = Database.open(jdbc);
        try {
            migrate(database);
            // DBConnectionManager is JVM-wide; a unique name keeps two Camel contexts in one JVM apart
            String dataSourceName = "orgsync-" + UUID.randomUUID();
            DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, provider(database.dataSource()));
            QuartzComponent quartz = context.getComponent("quartz", QuartzComponent.class);
            quartz.setProperties(quartzProperties(cluster, database.dialect(), dataSourceName));
            // camel-quartz would otherwise prefix the scheduler name per Camel context, and
            // replicas with different names are separate clusters of one
            quartz.setPrefixInstanceName(false);
            context.getCamelContextExtension().registerEndpointCallback((uri, endpoint) -> {
                if (endpoint instanceof QuartzEndpoint schedule) {
                    // the route files cannot say it (they also serve the single-node setup);
                    // without it a run cut short by a dying replica waits for the next cron firing
                    schedule.setRecoverableJob(true);
                }
                return endpoint;
            });
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    database.close();
                }
            }, true, true);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        } catch (Exception e) {
            database.close();
            throw new IllegalStateException("cannot set up the clustered scheduler", e);
        }
        LOG.info("clustered scheduling: Quartz scheduler '{}' on {} (tables {}*), check-in every {} ms",
                cluster.schedulerName(), jdbc.redactedUrl(), TABLE_PREFIX, cluster.checkinInterval());
    }

    static Map<String, Object> quartzProperties(ClusterSettings cluster, SqlDialect dialect, String dataSourceName) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("org.quartz.scheduler.instanceName", cluster.schedulerName());
        // host name plus start time: unique per replica, and readable in ORGSYNC_QRTZ_SCHEDULER_STATE
        p.put("org.quartz.scheduler.instanceId", "AUTO");
        p.put("org.quartz.scheduler.skipUpdateCheck", "true");
        p.put("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        // one per source at most runs at a time (stateful routes); four is every source at once
        p.put("org.quartz.threadPool.threadCount", "4");
        p.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.put("org.quartz.jobStore.driverDelegateClass", dialect == SqlDialect.POSTGRESQL
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.put("org.quartz.jobStore.dataSource", dataSourceName);
        p.put("org.quartz.jobStore.tablePrefix", TABLE_PREFIX);
        p.put("org.quartz.jobStore.isClustered", "true");
        p.put("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(cluster.checkinInterval()));
        // the documented setting for clusters: acquiring triggers under the row lock is what keeps
        // two replicas from both firing one trigger
        p.put("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        // a firing missed by more than a minute (every replica down or busy) is a misfire: a cron
        // trigger then fires once as soon as a replica can, not once per missed firing
        p.put("org.quartz.jobStore.misfireThreshold", "60000");
        return p;
    }

    /**
     * Quartz's own DDL starts with DROP TABLE; ours is that DDL without the drops, applied once
     * per database by Flyway with its own history table, so it never touches existing schedules.
     */
    private static void migrate(Database database) {
        String folder = switch (database.dialect()) {
            case POSTGRESQL -> "postgresql";
            case MARIADB -> "mariadb";
            case H2 -> "h2";
        };
        try {
            Migrations.migrate(Flyway.configure(ClusteredScheduling.class.getClassLoader())
                    .dataSource(database.dataSource())
                    .locations("classpath:db/orgsync-quartz/" + folder)
                    .table(HISTORY_TABLE)
                    // the orgsync tables are already there; version 0 so that V1 still runs
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load());
        } catch (RuntimeException e) {
            throw new ConfigurationException(JdbcSettings.URL_KEY, "cannot create the Quartz tables for "
                    + ClusterSettings.ENABLED_KEY + " at " + database.settings().redactedUrl() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static ConnectionProvider provider(DataSource dataSource) {
        return new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool is closed with Camel, after the scheduler has stopped
            }

            @Override
            public void initialize() {
                // the pool is open already
            }
        };
    }
}
