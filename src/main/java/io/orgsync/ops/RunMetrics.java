package io.orgsync.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunCoordinator;
import io.orgsync.run.RunStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Each run's manifest as Micrometer meters, recorded once when the run ends. Built from the
 * manifest rather than counted along the way so that the metrics, the summary log line and the
 * {@code orgsync_run} row can never disagree. Prometheus names (after Micrometer's conversion):
 *
 * <ul>
 *   <li>{@code orgsync_runs_total{source,tenant,status}} — runs ended, by {@code success}, {@code failed}, {@code held}</li>
 *   <li>{@code orgsync_run_duration_seconds{source,tenant,status}} — a timer (count, sum, max)</li>
 *   <li>{@code orgsync_records_total{source,tenant,kind}} — departments and members fetched</li>
 *   <li>{@code orgsync_changes_total{source,tenant,op}} — created, updated, deleted (applied runs only)</li>
 *   <li>{@code orgsync_vendor_api_calls_total{source,tenant}}, {@code orgsync_vendor_api_retries_total{source,tenant}}
 *       — every request to the vendor; requests repeated after a rate-limit answer or a transient fault</li>
 *   <li>{@code orgsync_vendor_rejections_total{source,tenant,reason}} — answers refusing a request, by
 *       {@code rate_limited} (WeCom 45009/45033, Feishu 99991400 or HTTP 429, Wuhan 429) and {@code token_rejected}
 *       (expired or revoked token); apart from retries, because a rising rejection rate means pacing or credentials
 *       need attention even while every retry still succeeds</li>
 *   <li>{@code orgsync_webhook_delivery_failures_total{source,tenant}} — messages left in the dead-letter folder</li>
 *   <li>{@code orgsync_webhook_earlier_delivered_total{source,tenant}} — waiting messages of earlier runs sent first</li>
 *   <li>{@code orgsync_run_warnings_total{source,tenant}} — the manifests' warnings</li>
 *   <li>{@code orgsync_last_success_timestamp_seconds{source,tenant}} — for "no successful run in 26 h" alerts</li>
 * </ul>
 */
public final class RunMetrics implements RunCoordinator.RunObserver {

    /** The name under which camel-micrometer-prometheus binds the registry that {@code /observe/metrics} scrapes. */
    static final String CAMEL_REGISTRY_NAME = "metricsRegistry";

    private static final String REJECTIONS = "vendor answers refusing a request: rate limited or token rejected";

    private final Supplier<MeterRegistry> registrySupplier;
    private volatile MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    public RunMetrics(MeterRegistry registry) {
        this(() -> registry);
    }

    private RunMetrics(Supplier<MeterRegistry> registry) {
        this.registrySupplier = registry;
    }

    /**
     * Camel's Prometheus registry, looked up at the first run's end: Camel Main creates it while
     * starting, after our beans are bound, so it cannot be passed in. Without it (metrics off,
     * e.g. {@code --run-once}) the meters go to a registry nobody reads.
     */
    public static RunMetrics of(CamelContext context) {
        return new RunMetrics(() -> {
            MeterRegistry camel = context.getRegistry().lookupByNameAndType(CAMEL_REGISTRY_NAME, MeterRegistry.class);
            return camel != null ? camel : new SimpleMeterRegistry();
        });
    }

    @Override
    public void ended(RunContext run, Manifest manifest, Duration duration) {
        ended(manifest, duration);
        String tenant = manifest.tenant() == null ? "" : manifest.tenant();
        count("orgsync.vendor.rejections", REJECTIONS, manifest.source(), tenant, "reason", "rate_limited",
                run.rateLimited());
        count("orgsync.vendor.rejections", REJECTIONS, manifest.source(), tenant, "reason", "token_rejected",
                run.tokensRejected());
        count("orgsync.webhook.earlier.delivered", "webhook messages earlier runs left waiting (a crash, a receiver "
                + "down), delivered before this run's", manifest.source(), tenant, null, null, run.earlierDelivered());
    }

    @Override
    public void ended(Manifest manifest, Duration duration) {
        if (registry == null) {
            synchronized (this) {
                if (registry == null) {
                    registry = registrySupplier.get();
                }
            }
        }
        String source = manifest.source();
        String tenant = manifest.tenant() == null ? "" : manifest.tenant();
        String status = manifest.status().wireName();
        Counter.builder("orgsync.runs").description("orgsync runs ended, by status")
                .tags("source", source, "tenant", tenant, "status", status).register(registry).increment();
        Timer.builder("orgsync.run.duration").description("orgsync run duration, begin to summary line")
                .tags("source", source, "tenant", tenant, "status", status).register(registry).record(duration);
        count("orgsync.records", "records fetched from the vendor", source, tenant, "kind", "department",
                manifest.departments());
        count("orgsync.records", "records fetched from the vendor", source, tenant, "kind", "member",
                manifest.members());
        count("orgsync.vendor.api.calls", "requests sent to the vendor, token requests and retries included", source,
                tenant, null, null, manifest.apiCalls());
        count("orgsync.vendor.api.retries", "vendor requests repeated after a rate-limit answer or a transient fault",
                source, tenant, null, null, manifest.retries());
        count("orgsync.webhook.delivery.failures", "webhook messages left in the dead-letter folder", source, tenant,
                null, null, manifest.deliveryFailures());
        count("orgsync.run.warnings", "what runs skipped or doubted without failing (the manifest's warnings)",
                source, tenant, null, null, manifest.warnings().size());
        if (manifest.status() == RunStatus.SUCCESS) {
            // a held run's counts are what it would have done, not what it did
            count("orgsync.changes", "changes applied", source, tenant, "op", "create", manifest.created());
            count("orgsync.changes", "changes applied", source, tenant, "op", "update", manifest.updated());
            count("orgsync.changes", "changes applied", source, tenant, "op", "delete", manifest.deleted());
            lastSuccess(source, tenant).set(Instant.parse(manifest.finishedAt()).getEpochSecond());
        }
    }

    private void count(String name, String description, String source, String tenant, String tag, String value,
                       long amount) {
        Counter.Builder builder = Counter.builder(name).description(description).tags("source", source, "tenant", tenant);
        if (tag != null) {
            builder.tag(tag, value);
        }
        // registered even at zero, so that a rate() over the series exists from the first run
        builder.register(registry).increment(amount);
    }

    private AtomicLong lastSuccess(String source, String tenant) {
        return lastSuccess.computeIfAbsent(source + '\u0000' + tenant, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("orgsync.last.success.timestamp", value, AtomicLong::get).baseUnit("seconds")
                    .description("end of the last successful run, Unix seconds")
                    .tags("source", source, "tenant", tenant).register(registry);
            return value;
        });
    }
}
