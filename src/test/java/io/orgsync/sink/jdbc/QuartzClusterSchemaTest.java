package io.orgsync.sink.jdbc;

import io.orgsync.cluster.ClusterSettings;
import io.orgsync.cluster.ClusteredScheduling;
import io.orgsync.config.JdbcSettings;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Quartz tables of {@code orgsync.cluster.enabled} on each database orgsync supports: created
 * by our migration beside orgsync's own tables, a clustered JobStoreTX with that database's
 * delegate fires a camel-quartz route from them, the job is stored as recoverable, and a second
 * start (a second replica, a restart) migrates nothing and drops nothing.
 */
class QuartzClusterSchemaTest {

    @ParameterizedTest
    @ValueSource(strings = {"H2", "PostgreSQL", "MariaDB"})
    void aClusteredCamelQuartzRouteFiresFromTheMigratedTables(String database) throws Exception {
        try (TestDatabases databases = switch (database) {
            case "H2" -> new H2Databases();
            case "PostgreSQL" -> new PostgresDatabases();
            default -> new MariaDbDatabases();
        }) {
            JdbcSettings jdbc = databases.fresh();
            ClusterSettings cluster = new ClusterSettings(true, "orgsync-test", 1000);

            CountDownLatch fired = new CountDownLatch(2);
            runScheduler(jdbc, cluster, fired);
            assertThat(fired.await(60, TimeUnit.SECONDS)).as("two firings").isTrue();
            try (Connection connection = TestDatabases.connect(jdbc)) {
                ResultSet job = connection.createStatement().executeQuery("SELECT requests_recovery, is_nonconcurrent "
                        + "FROM " + ClusteredScheduling.TABLE_PREFIX + "JOB_DETAILS WHERE sched_name = 'orgsync-test'");
                assertThat(job.next()).isTrue();
                assertThat(job.getBoolean(1)).as("requests recovery").isTrue();
                assertThat(job.getBoolean(2)).as("stateful: never two runs at once").isTrue();
                String historyTable = database.equals("MariaDB") ? "orgsync_quartz_schema_history"
                        : "\"orgsync_quartz_schema_history\"";
                ResultSet history = connection.createStatement().executeQuery(
                        "SELECT COUNT(*) FROM " + historyTable);
                history.next();
                long migrations = history.getLong(1);

                // a second replica: the schedule survives, nothing is migrated again
                CountDownLatch again = new CountDownLatch(1);
                runScheduler(jdbc, cluster, again);
                assertThat(again.await(60, TimeUnit.SECONDS)).isTrue();
                ResultSet after = connection.createStatement().executeQuery("SELECT COUNT(*) FROM " + historyTable);
                after.next();
                assertThat(after.getLong(1)).isEqualTo(migrations);
            }
        }
    }

    private static void runScheduler(JdbcSettings jdbc, ClusterSettings cluster, CountDownLatch fired)
            throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            // the job data names the Camel context that scheduled it; replicas share one name
            // (camel.main.name = orgsync), and so do these two "replicas"
            context.getCamelContextExtension().setName("orgsync");
            ClusteredScheduling.configure(context, cluster, jdbc);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("quartz:orgsync/probe?cron=0/1+*+*+*+*+?&stateful=true").routeId("probe")
                            .process(exchange -> fired.countDown());
                }
            });
            context.start();
            fired.await(60, TimeUnit.SECONDS);
        }
    }
}
