package io.orgsync.kamelet;

import io.orgsync.OrgSyncConfiguration;
import io.orgsync.TenantRoutes;
import io.orgsync.config.ConfigurationException;
import io.orgsync.config.OrgSyncSettings;
import io.orgsync.config.SourceName;
import io.orgsync.config.SourceSettings;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunCoordinator;
import io.orgsync.run.RunResult;
import io.orgsync.run.Sink;
import io.orgsync.run.StagedSinks;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the Kamelets under {@code kamelets/} call into (bean {@value #BEAN}). A source Kamelet's
 * properties declare a tenant exactly as {@code orgsync.tenants.<name>.*} keys do, and it runs from
 * its source's route template, ending in {@code direct:orgsync-fetched} instead of the sinks; a
 * sink Kamelet takes the run message over and publishes it through {@code direct:orgsync-publish}
 * to the state store and its one sink.
 */
public final class Kamelets {

    public static final String BEAN = "orgsyncKamelets";
    /** Where a source Kamelet's templated sync route hands the fetched run back. */
    public static final String FETCHED = "direct:orgsync-fetched";
    /** Set on a source Kamelet's exchange when the fetch succeeded and a message is to be emitted. */
    public static final String EMIT = "orgsyncEmit";

    private final CamelContext context;
    private final OrgSyncConfiguration beans;
    private final RunCoordinator runs;
    private final Map<String, SourceSettings> tenants = new ConcurrentHashMap<>();

    private final java.nio.file.Path fileDir;

    public Kamelets(CamelContext context, OrgSyncConfiguration beans, RunCoordinator runs, java.nio.file.Path fileDir) {
        this.context = context;
        this.beans = beans;
        this.runs = runs;
        this.fileDir = fileDir;
    }

    /** {@code orgsync.file.dir}: a webhook sink Kamelet's dead letters go under it, as the bundle's do. */
    java.nio.file.Path fileDir() {
        return fileDir;
    }

    /**
     * The tenant of a source Kamelet, made on its first run: settings validated as a named tenant's,
     * its own client and beans, and its sync route from the source's template. A second Kamelet
     * with the same tenant and the same properties shares it; with other properties it is refused.
     *
     * @param keys the Kamelet's properties by key suffix ({@code app-id}, {@code schedule}, …)
     */
    public synchronized SourceSettings tenant(SourceName source, String tenantName, Map<String, ?> keys) {
        String prefix = "orgsync." + SourceSettings.TENANTS + "." + tenantName + ".";
        Set<String> read = new HashSet<>();
        SourceSettings tenant = OrgSyncSettings.namedTenant(key -> {
            if (!key.startsWith(prefix)) {
                return Optional.empty();
            }
            read.add(key.substring(prefix.length()));
            return Optional.ofNullable(keys.get(key.substring(prefix.length()))).map(String::valueOf);
        }, source, tenantName);
        // the keys are a map, not setters: a misspelt key in a Kamelet's template would go unread
        for (String suffix : keys.keySet()) {
            if (!read.contains(suffix)) {
                throw new ConfigurationException(tenant.key(suffix), "is no key of source " + source.id()
                        + " (set by the template of its source Kamelet)");
            }
        }
        SourceSettings known = tenants.get(tenantName);
        if (known != null) {
            if (!known.equals(tenant)) {
                throw new ConfigurationException(tenant.key("tenant"), "two source Kamelets declare tenant '"
                        + tenantName + "' with different properties");
            }
            return known;
        }
        runs.register(tenant);
        beans.bindTenant(context, tenant);
        try {
            TenantRoutes.syncRoute(tenant, FETCHED).add(context);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the sync route of Kamelet tenant " + tenantName, e);
        }
        tenants.put(tenantName, tenant);
        return tenant;
    }

    /** The last step of a source Kamelet's sync route: the fetched run becomes the message. */
    public void handOver(Exchange exchange) {
        if (runs.handOver(exchange, run -> RunMessage.write(exchange.getMessage(), run))) {
            exchange.setProperty(EMIT, true);
        }
    }

    /**
     * A sink Kamelet's first step: the message becomes the run on this exchange, bound for the
     * state store and {@code sink} only.
     *
     * @param sink {@code null} for the JDBC sink Kamelet: the state store is its sink
     */
    public void receive(Exchange exchange, Sink sink) {
        RunContext run = RunMessage.read(exchange.getMessage());
        // the source's exchange properties (its run, its outcome) must not leak into this run
        exchange.removeProperties("orgsync*");
        runs.takeOver(exchange, run);
        exchange.setProperty(RunCoordinator.KAMELET_SINK, Optional.ofNullable(sink));
    }

    /**
     * The route {@code sink-kamelet}'s step: the run staged in the sink of the sink Kamelet it
     * came through, kept with the run's other staged sinks until the database committed.
     */
    public void stageRun(@Body RunResult result, @ExchangeProperty(RunCoordinator.KAMELET_SINK) Optional<Sink> sink,
                         @ExchangeProperty(RunCoordinator.STAGED) StagedSinks staged) throws Exception {
        if (sink == null || sink.isEmpty()) {
            throw new IllegalStateException("run " + result.manifest().runId() + " came through no sink Kamelet "
                    + "with a sink of its own");
        }
        staged.stage(RunCoordinator.KAMELET_SINK_NAME, sink.get(), result);
    }

    /** The bean as the Kamelets' endpoints find it, or why the integration lacks it. */
    static Kamelets in(org.apache.camel.CamelContext camelContext) {
        Kamelets kamelets = camelContext.getRegistry().lookupByNameAndType(BEAN, Kamelets.class);
        if (kamelets == null) {
            throw new IllegalStateException("orgsync's beans are not bound: the integration needs "
                    + "camel.main.configuration-classes=io.orgsync.OrgSyncRuntimeConfiguration");
        }
        return kamelets;
    }
}
