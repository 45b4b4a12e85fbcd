package io.orgsync.kamelet;

import io.orgsync.config.ConfigurationException;
import io.orgsync.run.Sink;
import io.orgsync.sink.file.FileSink;
import io.orgsync.sink.file.RunRetention;
import io.orgsync.sink.webhook.WebhookDelivery;
import io.orgsync.sink.webhook.WebhookSettings;
import io.orgsync.sink.webhook.WebhookSink;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bean of a sink Kamelet ({@code orgsync-file-sink}, {@code orgsync-jdbc-sink},
 * {@code orgsync-webhook-sink}): the sink its properties describe, built once. Every run message goes
 * to the orgsync database (the state store the next run is compared with) and to this sink, staged
 * and committed together through {@code direct:orgsync-publish}. {@link #toString()} never shows
 * the webhook secret.
 */
public final class RunSink implements CamelContextAware {

    private CamelContext camelContext;
    private String kind;
    private String dir;
    private String formats;
    private String keepRuns;
    private String url;
    private String secret;
    private String batchSize;
    private volatile Optional<Sink> sink;

    public void setKind(String kind) {
        this.kind = kind;
    }

    public void setDir(String dir) {
        this.dir = dir;
    }

    public void setFormats(String formats) {
        this.formats = formats;
    }

    public void setKeepRuns(String keepRuns) {
        this.keepRuns = keepRuns;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public void setSecret(String secret) {
        this.secret = secret;
    }

    public void setBatchSize(String batchSize) {
        this.batchSize = batchSize;
    }

    /** Turns the run message into the run on this exchange, bound for the state store and this sink. */
    public void receive(Exchange exchange) {
        kamelets().receive(exchange, sink().orElse(null));
    }

    private Optional<Sink> sink() {
        Optional<Sink> built = sink;
        if (built == null) {
            synchronized (this) {
                if (sink == null) {
                    sink = build();
                }
                built = sink;
            }
        }
        return built;
    }

    private Optional<Sink> build() {
        return switch (kind) {
            case "jdbc" -> Optional.empty();
            case "file" -> {
                Set<String> all = new LinkedHashSet<>(Set.of("jsonl"));
                for (String format : Arrays.stream((formats == null ? "jsonl" : formats).split(","))
                        .map(String::strip).filter(f -> !f.isEmpty()).toList()) {
                    if (!format.equals("jsonl") && !format.equals("csv")) {
                        throw new ConfigurationException("formats", "unknown format '" + format + "' (known: jsonl, csv)");
                    }
                    all.add(format);
                }
                yield Optional.of(new FileSink(Path.of(dir == null || dir.isBlank() ? "exports" : dir), all,
                        keepRuns()));
            }
            case "webhook" -> {
                // validated as the orgsync.webhook.* keys are; the dead letters go where the bundle's do
                Map<String, String> keys = new HashMap<>();
                keys.put(WebhookSettings.URL, url);
                keys.put(WebhookSettings.SECRET, secret);
                keys.put(WebhookSettings.BATCH_SIZE, batchSize);
                WebhookSettings settings = WebhookSettings.load(key -> Optional.ofNullable(keys.get(key))
                        .filter(v -> !v.isBlank()));
                yield Optional.of(new WebhookSink(new WebhookDelivery(settings, kamelets().fileDir())));
            }
            default -> throw new IllegalArgumentException("unknown sink kind '" + kind + "' in a sink Kamelet");
        };
    }

    private int keepRuns() {
        if (keepRuns == null || keepRuns.isBlank()) {
            return RunRetention.DEFAULT_KEEP_RUNS;
        }
        try {
            int parsed = Integer.parseInt(keepRuns.strip());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, as a negative number is
        }
        throw new ConfigurationException("keepRuns", "'" + keepRuns + "' is not a whole number of 0 or more "
                + "(0 keeps every run)");
    }

    private Kamelets kamelets() {
        return Kamelets.in(camelContext);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public String toString() {
        return "RunSink[" + kind + "]";
    }
}
