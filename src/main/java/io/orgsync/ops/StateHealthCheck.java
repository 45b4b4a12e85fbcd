package io.orgsync.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;
import java.util.TreeMap;

/**
 * Readiness of the orgsync process itself, next to Camel's route and consumer checks: the state
 * store (the orgsync database) answers, and the last run of every source and tenant as the
 * database records it.
 *
 * <p>Only an unreachable database makes the process unready: without it no run can be compared
 * or applied, so sending it work is pointless. A failed or held last run does not: the vendor or
 * the data is what is wrong, another instance would fail alike, and a restart would not help; it
 * shows in the details and the message, where an operator (or an alert on
 * {@code orgsync_runs_total{status="failed"}}) finds it. Not a liveness check, for the same
 * reason: a database outage must not make Kubernetes restart every replica.
 *
 * <p>The runs are read from {@code orgsync_run} rather than remembered in memory, so that every
 * replica of a cluster reports the same, runs executed elsewhere included, and a restart does not
 * forget a failed run.
 */
public final class StateHealthCheck extends AbstractHealthCheck {

    public static final String ID = "orgsync-state";
    /** A probe answers within its own timeout (Kubernetes: 1 s by default); a slow database is as bad as none. */
    private static final int QUERY_TIMEOUT_SECONDS = 2;
    /** Details are for people; an education bureau's hundreds of schools stay readable in the first ones. */
    private static final int MAX_TENANTS_SHOWN = 200;
    private static final int MAX_ERROR_CHARS = 300;

    private static final String LAST_RUNS = "SELECT r.source, r.tenant, r.status, r.finished_at, r.error, r.run_id "
            + "FROM orgsync_run r JOIN (SELECT source, tenant, MAX(started_at) AS started_at FROM orgsync_run "
            + "GROUP BY source, tenant) l ON r.source = l.source AND r.tenant = l.tenant AND r.started_at = l.started_at "
            + "ORDER BY r.source, r.tenant, r.run_id";

    private final DataSource dataSource;

    public StateHealthCheck(DataSource dataSource) {
        super("orgsync", ID);
        this.dataSource = dataSource;
    }

    /**
     * Registers the check once Camel Main has set up its health-check registry (after the beans
     * are bound); without one (health checks off) there is nobody to ask.
     */
    public static void register(CamelContext context, DataSource dataSource) {
        try {
            context.addStartupListener(listener(dataSource));
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the orgsync-state health check with Camel", e);
        }
    }

    private static StartupListener listener(DataSource dataSource) {
        return new StartupListener() {
            @Override
            public void onCamelContextStarting(CamelContext starting, boolean alreadyStarted) {
                HealthCheckRegistry registry = HealthCheckRegistry.get(starting);
                if (registry != null && registry.getCheck(ID).isEmpty()) {
                    StateHealthCheck check = new StateHealthCheck(dataSource);
                    check.setCamelContext(starting);
                    registry.register(check);
                }
            }

            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // registered while starting
            }
        };
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, String> lastRuns = new TreeMap<>();
        int failing = 0;
        int tenants = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(LAST_RUNS)) {
            query.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    String status = rs.getString(3);
                    // ":" cannot occur in a source or tenant name; "/" would come out of Camel's JSON escaped as \/
                    String key = rs.getString(1) + ":" + rs.getString(2);
                    if (!lastRuns.containsKey(key)) {
                        tenants++;
                        if (!"success".equals(status)) {
                            failing++;
                        }
                    }
                    if (lastRuns.size() < MAX_TENANTS_SHOWN || lastRuns.containsKey(key)) {
                        lastRuns.put(key, describe(status, rs.getTimestamp(4), rs.getString(5)));
                    }
                }
            }
        } catch (SQLException e) {
            // the driver's message may name the host and user; the SQL state says what kind of failure it is
            builder.detail("database", "unreachable (SQLState " + e.getSQLState() + ", " + e.getClass().getSimpleName()
                    + ")");
            builder.message("the orgsync database does not answer: no run can be compared or applied");
            builder.down();
            return;
        }
        builder.detail("database", "reachable");
        builder.detail("tenants", tenants);
        lastRuns.forEach((key, run) -> builder.detail("lastRun." + key, run));
        builder.message(failing == 0 ? "state store reachable; every last run succeeded"
                : "state store reachable; " + failing + " of " + tenants + " last runs did not succeed (see lastRun.*)");
        builder.up();
    }

    /** The run's status and end; the error as the manifest has it (never a secret), shortened. */
    private static String describe(String status, Timestamp finishedAt, String error) {
        StringBuilder text = new StringBuilder(String.valueOf(status));
        if (finishedAt != null) {
            // the column holds UTC wall time (JdbcStore writes LocalDateTime in UTC)
            text.append(" at ").append(finishedAt.toLocalDateTime()).append('Z');
        }
        if (error != null && !error.isEmpty()) {
            text.append(": ").append(error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) + "…" : error);
        }
        return text.toString();
    }
}
