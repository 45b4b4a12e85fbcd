package io.orgsync.run;

import io.orgsync.config.ConfigurationException;
import io.orgsync.config.OrgSyncSettings;
import io.orgsync.config.SourceSettings;
import io.orgsync.model.Department;
import io.orgsync.source.VendorFailure;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The life of a run as the routes drive it ({@code bean: runs}): {@link #begin}, then after the
 * source has fetched everything {@link #prepare} (tree, changes, deletion guard), then either
 * {@link #held} or the sinks and {@link #succeeded}; any exception ends in {@link #fail}
 * ({@link PublishRoutes} shows the order). Every
 * run ends with one summary log line, and runs longer than ten seconds log progress meanwhile.
 *
 * <p>The {@link StateStore} takes every successful run in the transaction {@code orgsync-stage}
 * commits before any other sink commits ({@link RunSinks}). Failed and held runs leave only their
 * own run record there.
 */
public final class RunCoordinator implements AutoCloseable {

    public static final String MANIFEST = "orgsyncManifest";
    public static final String HELD = "orgsyncHeld";
    /** The tenant's key prefix a sync route names before {@link #begin}: {@code feishu}, {@code tenants.<name>}. */
    public static final String TENANT_KEYS = "orgsyncTenantKeys";
    /** Set when a run failed because of a setting the user must fix; {@code --run-once} exits 2. */
    public static final String MISCONFIGURED_KEY = "orgsyncMisconfiguredKey";
    /** The sinks' staged (not yet visible) publications of this run: a {@link StagedSinks}. */
    public static final String STAGED = "orgsyncStaged";
    /** Set once the database committed the run: it is then applied, whatever a later sink does. */
    public static final String STATE_COMMITTED = "orgsyncStateCommitted";
    /** The {@link RunResult} every sink route stages. */
    public static final String RESULT = "orgsyncRunResult";
    /**
     * The sink routes this run is staged by, for the recipient list of {@code orgsync-stage}: the
     * database's first, then the other sinks of {@code orgsync.sinks} (the webhook last), or a sink
     * Kamelet's own.
     */
    public static final String SINK_ENDPOINTS = "orgsyncSinkEndpoints";
    /**
     * Set by a sink Kamelet: an {@code Optional<Sink>}, the one sink this run goes to besides the
     * state store (empty for the JDBC sink Kamelet, whose sink is the state store itself).
     */
    public static final String KAMELET_SINK = "orgsyncKameletSink";
    /** The route {@code direct:sink-kamelet} stages the Kamelet's sink under this name. */
    public static final String KAMELET_SINK_NAME = "kamelet";

    private static final Logger LOG = LoggerFactory.getLogger("io.orgsync.run");

    private final OrgSyncSettings settings;
    private final StateStore state;
    private final RunSinks sinks;
    private final Clock clock;
    private final HoldPolicy hold;
    private final RunProgress progress;
    private final StateWhileFetching whileFetching;
    private volatile RunObserver observer = (manifest, duration) -> { };
    /** Tenants declared by source Kamelets' properties rather than by settings, by key prefix. */
    private final Map<String, SourceSettings> kameletTenants = new ConcurrentHashMap<>();

    public RunCoordinator(OrgSyncSettings settings, StateStore state, Map<String, Sink> sinks, Clock clock) {
        this.settings = settings;
        this.state = state;
        this.sinks = new RunSinks(settings, state, sinks);
        this.clock = clock;
        this.hold = new HoldPolicy(settings);
        RecordSpool.removeLeftovers();
        this.whileFetching = new StateWhileFetching(state, settings.privacy());
        this.progress = new RunProgress(clock);
    }

    /** Something told of every run's end with its final manifest (metrics); one at a time. */
    @FunctionalInterface
    public interface RunObserver {
        void ended(Manifest manifest, Duration duration);

        /** With the run's own counters that the manifest does not carry (vendor rejections). */
        default void ended(RunContext run, Manifest manifest, Duration duration) {
            ended(manifest, duration);
        }
    }

    public void observe(RunObserver observer) {
        this.observer = Objects.requireNonNull(observer);
    }

    /**
     * @param configured the tenant's key prefix, as its templated route sets it: a source id
     *                   ({@code feishu}, the source's own keys) or {@code tenants.<name>}
     */
    public void begin(@ExchangeProperties Map<String, Object> properties,
                      @ExchangeProperty(TENANT_KEYS) String configured) {
        SourceSettings tenant = settings.byPrefix(configured)
                .or(() -> Optional.ofNullable(kameletTenants.get(configured)))
                .orElseThrow(() -> new IllegalArgumentException("no tenant configured as '" + configured + "' in route"));
        RunContext run = new RunContext(tenant.name().id(), tenant.tenant(), clock.instant());
        properties.put(RunContext.PROPERTY, run);
        progress.started(run);
        // a source Kamelet's run is compared by the sink Kamelet that takes it over, not here
        if (!kameletTenants.containsKey(configured)) {
            whileFetching.start(run, sinks.publishesTables(properties));
        }
        LOG.info("run started runId={} source={} tenant={}", run.runId(), run.source(), run.tenant());
    }

    /** A source Kamelet's tenant: its routes name it in {@link #begin} like a configured one. */
    public void register(SourceSettings tenant) {
        if (settings.byPrefix(tenant.prefix()).isPresent()) {
            throw new ConfigurationException(tenant.key("tenant"), "'" + tenant.tenantName()
                    + "' is also a tenant of orgsync.tenants; give the Kamelet another tenant");
        }
        kameletTenants.put(tenant.prefix(), tenant);
    }

    /**
     * A source Kamelet's fetch is done: the run leaves this exchange as a message (its records and
     * headers), so its bookkeeping here ends without a summary — the sink Kamelet that takes the
     * message over continues the same run id and writes the summary.
     *
     * @param emit turns the fetched run into the message; called only when the fetch succeeded,
     *             before the run's spool is deleted
     * @return whether the run was handed over ({@code false}: it failed, already recorded and logged)
     */
    public boolean handOver(Exchange exchange, Consumer<RunContext> emit) {
        RunContext run = RunContext.required(exchange.getProperty(RunContext.PROPERTY, RunContext.class));
        try {
            if (run.failed()) {
                return false;
            }
            emit.accept(run);
            return true;
        } finally {
            finish(run);
        }
    }

    /** A sink Kamelet's side of {@link #handOver}: the run continues on this exchange. */
    public void takeOver(Exchange exchange, RunContext run) {
        exchange.setProperty(RunContext.PROPERTY, run);
        progress.started(run);
    }

    /**
     * Ends fetching and compares the run with the last successful one: the department tree, what
     * was created, updated and deleted, what is carried forward. The body becomes the comparison.
     */
    public RunComparison compare(@ExchangeProperty(RunContext.PROPERTY) RunContext run) throws Exception {
        RunContext.required(run);
        Snapshot snapshot = run.snapshot();
        // what the vendor's rate limit bounds ends here; the rest is comparing and the sinks
        String fetchSeconds = String.format(Locale.ROOT, "%.1f",
                Duration.between(run.startedAt(), clock.instant()).toMillis() / 1000.0);
        // counting distinct members merges the spool's sorted runs: fetching is over from here on
        int fetchedMembers = snapshot.memberCount();
        LOG.info("run fetched runId={} source={} tenant={} seconds={} departments={} members={} apiCalls={}",
                run.runId(), run.source(), run.tenant(), fetchSeconds, snapshot.departmentCount(), fetchedMembers,
                run.apiCalls());
        return RunComparison.of(run, whileFetching.previous(run), settings.privacy());
    }

    /**
     * The deletion guard: whether the comparison's deletions (or an empty fetch) hold the run
     * ({@value #HELD}) rather than publish it, and the run's manifest ({@value #MANIFEST}) either way.
     */
    public RunComparison guard(@ExchangeProperties Map<String, Object> properties,
                               @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                               @Body RunComparison compared) {
        RunContext.required(run);
        ChangeCounts counts = compared.counts();
        String heldBecause = hold.heldBecause(compared.previous(), counts,
                compared.departments().isEmpty() && compared.members().members().isEmpty());
        Manifest manifest = new Manifest(run.runId(), run.source(), run.tenant(),
                heldBecause == null ? RunStatus.SUCCESS : RunStatus.HELD, timestamp(run.startedAt()),
                timestamp(clock.instant()), compared.departments().size(), compared.members().members().size(),
                counts.created(), counts.updated(), counts.deleted(),
                run.apiCalls(), run.retries(), 0, heldBecause, run.warnings());
        properties.put(HELD, heldBecause != null);
        properties.put(MANIFEST, manifest);
        return compared;
    }

    /**
     * What every sink stages: the body becomes the {@link RunResult}, and {@value #SINK_ENDPOINTS}
     * names the sink routes of {@code orgsync.sinks} (or a sink Kamelet's own), the database's first.
     */
    public RunResult forSinks(@ExchangeProperties Map<String, Object> properties,
                              @ExchangeProperty(MANIFEST) Manifest manifest,
                              @Body RunComparison compared) {
        // created here, before the recipient list copies the exchange: every sink's copy then adds
        // to this one list, and succeeded/fail on the original see them all
        properties.put(STAGED, new StagedSinks(sinks.besidesState(properties)));
        properties.put(SINK_ENDPOINTS, sinks.names(properties).stream().map(sink -> "direct:sink-" + sink)
                .collect(Collectors.joining(",")));
        RunResult result = new RunResult(manifest, compared.departments(), compared.members().members(),
                compared.changes(), sinks.publishesTables(properties));
        properties.put(RESULT, result);
        return result;
    }

    public Manifest held(@ExchangeProperty(RunContext.PROPERTY) RunContext run,
                         @ExchangeProperty(MANIFEST) Manifest manifest) {
        finish(RunContext.required(run));
        recordUnapplied(manifest);
        LOG.warn("run held: {}", manifest.error());
        ended(run, manifest);
        return manifest;
    }

    /** The database committed the run: make it visible in every other sink, in order. */
    public Manifest succeeded(@ExchangeProperties Map<String, Object> properties,
                              @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                              @ExchangeProperty(MANIFEST) Manifest manifest,
                              @ExchangeProperty(STATE_COMMITTED) Boolean stateCommitted) throws Exception {
        RunContext.required(run);
        if (!Boolean.TRUE.equals(stateCommitted)) {
            throw new IllegalStateException("run " + run.runId() + " succeeds only after the database committed it");
        }
        List<Sink.Staged> staged = staged(properties).commit(run.runId());
        long deliveryFailures = staged.stream().mapToLong(Sink.Staged::deliveryFailures).sum();
        staged.forEach(work -> run.countEarlierDelivered(work.earlierDelivered()));
        finish(run);
        if (deliveryFailures > 0) {
            manifest = manifest.withDeliveryFailures(deliveryFailures);
            properties.put(MANIFEST, manifest);
            sinks.amendEverywhere(manifest, properties);
            LOG.warn("run {}: {} webhook message(s) not delivered; they wait in the dead-letter folder and go "
                    + "before the next run's (or with --redeliver)", run.runId(), deliveryFailures);
        }
        ended(run, manifest);
        return manifest;
    }

    /** The route configuration's handler: whatever went wrong, the run is failed and nothing published. */
    public Manifest fail(@ExchangeProperties Map<String, Object> properties,
                         @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause,
                         @ExchangeProperty(RunContext.PROPERTY) RunContext run,
                         @ExchangeProperty(STATE_COMMITTED) Boolean stateCommitted) {
        boolean applied = Boolean.TRUE.equals(stateCommitted);
        if (applied) {
            // the run is applied: the webhook outbox stays for --redeliver, or receivers would never
            // hear of these changes
            staged(properties).release().forEach(Sink.Staged::closeAfterStateCommitted);
        } else {
            staged(properties).release().forEach(Sink.Staged::close);
        }
        String error = FailureText.describe(cause);
        if (cause instanceof VendorFailure.Misconfigured misconfigured) {
            properties.put(MISCONFIGURED_KEY, misconfigured.key());
        }
        if (run == null) {
            LOG.error("run failed before it began: {}", error);
            return null;
        }
        boolean[] first = {false};
        Manifest manifest = run.recordFailure(() -> {
            first[0] = true;
            return new Manifest(run.runId(), run.source(), run.tenant(), RunStatus.FAILED,
                    timestamp(run.startedAt()), timestamp(clock.instant()), run.snapshot().departmentCount(),
                    // not memberCount(): merging a failed fetch's records is work for nothing, and the
                    // failure may be the spool's own
                    run.snapshot().membersListed(), 0, 0, 0, run.apiCalls(), run.retries(), 0, error, run.warnings());
        });
        properties.put(MANIFEST, manifest);
        if (!first[0]) {
            // another parallel fetch of this run failed first and recorded it
            LOG.debug("run {} already failed; also: {}", run.runId(), error);
            return manifest;
        }
        finish(run);
        if (applied) {
            // its success row is already committed with the state; a failed row would contradict it
            LOG.error("run {} is applied to the state store '{}' but not to every sink", run.runId(), state.name());
        } else {
            recordUnapplied(manifest);
        }
        LOG.error("run failed runId={} source={} tenant={}: {}", run.runId(), run.source(), run.tenant(), error);
        ended(run, manifest);
        return manifest;
    }

    /**
     * Best effort: the run is already failed or held, and the database being unreachable is often
     * why; the summary log line still records it.
     */
    private void recordUnapplied(Manifest manifest) {
        try {
            state.recordUnapplied(manifest);
        } catch (Exception e) {
            LOG.warn("could not record {} run {} in the state store '{}': {}", manifest.status().wireName(),
                    manifest.runId(), state.name(), e.getMessage());
        }
    }

    /** An exchange that never reached runs.prepare has nothing staged. */
    private static StagedSinks staged(Map<String, Object> properties) {
        return properties.get(STAGED) instanceof StagedSinks staged ? staged : new StagedSinks(List.of());
    }

    private void finish(RunContext run) {
        progress.ended(run);
        run.release();
    }

    /** The summary line, then the observer: a broken observer must never turn a finished run into a failed one. */
    private void ended(RunContext run, Manifest manifest) {
        LOG.info(manifest.summaryLine());
        try {
            observer.ended(run, manifest, Duration.between(run.startedAt(), clock.instant()));
        } catch (RuntimeException e) {
            LOG.warn("run {} finished but could not be recorded in the metrics: {}", run.runId(), e.toString());
        }
    }

    static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Override
    public void close() {
        progress.close();
        whileFetching.close();
    }

}
