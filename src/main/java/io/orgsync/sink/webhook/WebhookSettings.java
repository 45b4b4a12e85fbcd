package io.orgsync.sink.webhook;

import io.orgsync.config.SettingsReader;

import io.orgsync.config.ConfigurationException;
import io.orgsync.config.OrgSyncSettings;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code orgsync.webhook.*} settings, validated at once.
 *
 * <pre>
 * orgsync.webhook.url                     one or more http(s) URLs, comma separated; each receives every message
 * orgsync.webhook.secret                  whsec_... secret for every URL; during rotation two, separated by a
 *                                         space or comma (each message then carries two signatures)
 * orgsync.webhook.&lt;n&gt;.secret              the same for the n-th URL only (1-based), overriding the above;
 *                                         environment: ORGSYNC_WEBHOOK_&lt;n&gt;_SECRET
 * orgsync.webhook.batch-size              changes per orgsync.changes message (default 500)
 * orgsync.webhook.max-attempts            attempts per message and URL, the first included (default 10)
 * orgsync.webhook.retry-budget-ms         no new attempt of a message starts later than this after its first
 *                                         (default 300000, five minutes)
 * orgsync.webhook.retry-initial-delay-ms  first back-off, doubled per attempt with jitter (default 1000)
 * orgsync.webhook.retry-max-delay-ms      longest back-off, unless Retry-After asks for more (default 60000)
 * orgsync.webhook.connect-timeout-ms      TCP and TLS connect (default 5000)
 * orgsync.webhook.read-timeout-ms         wait for the answer's status line (default 30000); connect plus read
 *                                         timeout also bounds a whole attempt, body included
 * </pre>
 *
 * The per-URL key is by position rather than by host because it has to survive the trip through
 * an environment variable name, and two receivers may share a host.
 */
public record WebhookSettings(
        List<WebhookEndpoint> endpoints,
        int batchSize,
        int maxAttempts,
        Duration retryBudget,
        Duration retryInitialDelay,
        Duration retryMaxDelay,
        Duration connectTimeout,
        Duration readTimeout) {

    public static final String URL = "orgsync.webhook.url";
    public static final String SECRET = "orgsync.webhook.secret";
    public static final String BATCH_SIZE = "orgsync.webhook.batch-size";
    public static final String MAX_ATTEMPTS = "orgsync.webhook.max-attempts";
    public static final String RETRY_BUDGET_MS = "orgsync.webhook.retry-budget-ms";
    public static final String RETRY_INITIAL_DELAY_MS = "orgsync.webhook.retry-initial-delay-ms";
    public static final String RETRY_MAX_DELAY_MS = "orgsync.webhook.retry-max-delay-ms";
    public static final String CONNECT_TIMEOUT_MS = "orgsync.webhook.connect-timeout-ms";
    public static final String READ_TIMEOUT_MS = "orgsync.webhook.read-timeout-ms";

    public static final int DEFAULT_BATCH_SIZE = 500;
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final int DEFAULT_RETRY_BUDGET_MS = 300_000;
    public static final int DEFAULT_RETRY_INITIAL_DELAY_MS = 1_000;
    public static final int DEFAULT_RETRY_MAX_DELAY_MS = 60_000;
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
    public static final int DEFAULT_READ_TIMEOUT_MS = 30_000;

    /** More than two is no longer a rotation but a key ring nobody can account for. */
    private static final int MAX_SECRETS = 2;

    public WebhookSettings {
        endpoints = List.copyOf(endpoints);
    }

    /** The secret for the {@code index}-th URL (1-based). */
    public static String secretKey(int index) {
        return "orgsync.webhook." + index + ".secret";
    }

    /**
     * For a run with the {@code webhook} sink: {@value #URL} and a secret are required.
     *
     * @param lookup resolves a key with placeholders expanded; empty when unset or blank
     * @throws ConfigurationException naming the key to fix; never quoting a secret
     */
    public static WebhookSettings load(Function<String, Optional<String>> lookup) {
        return loadIfConfigured(lookup).orElseThrow(() -> new ConfigurationException(URL,
                "missing; the webhook sink is listed in orgsync.sinks and needs at least one URL (set it, or the "
                        + "environment variable " + OrgSyncSettings.envName(URL) + ")"));
    }

    /**
     * Empty when {@value #URL} is unset; otherwise every webhook key validated, so a bad setting is
     * found at start even while the sink is not enabled.
     */
    public static Optional<WebhookSettings> loadIfConfigured(Function<String, Optional<String>> lookup) {
        SettingsReader in = new SettingsReader(lookup);
        List<URI> urls = urls(in);
        if (urls.isEmpty()) {
            return Optional.empty();
        }
        Optional<List<WebhookSecret>> shared = secrets(in, SECRET);
        List<WebhookEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            int index = i + 1;
            List<WebhookSecret> secrets = secrets(in, secretKey(index)).or(() -> shared).orElseThrow(() ->
                    new ConfigurationException(SECRET, "missing for webhook #" + index + " (" + display(urls.get(index - 1))
                            + "); set " + SECRET + " or " + secretKey(index) + " to the whsec_... secret the "
                            + "receiver verifies with (or the environment variable " + OrgSyncSettings.envName(SECRET)
                            + ")"));
            endpoints.add(new WebhookEndpoint(index, urls.get(i), secrets));
        }
        int batchSize = in.integer(BATCH_SIZE, DEFAULT_BATCH_SIZE, 1, 100_000);
        int maxAttempts = in.integer(MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS, 1, 1_000);
        Duration budget = in.millis(RETRY_BUDGET_MS, DEFAULT_RETRY_BUDGET_MS, 0, 86_400_000);
        Duration initial = in.millis(RETRY_INITIAL_DELAY_MS, DEFAULT_RETRY_INITIAL_DELAY_MS, 1, 3_600_000);
        Duration max = in.millis(RETRY_MAX_DELAY_MS, Math.max(DEFAULT_RETRY_MAX_DELAY_MS, (int) initial.toMillis()),
                1, 3_600_000);
        if (max.compareTo(initial) < 0) {
            throw new ConfigurationException(RETRY_MAX_DELAY_MS, max.toMillis() + " is below "
                    + RETRY_INITIAL_DELAY_MS + " (" + initial.toMillis() + "); the longest back-off cannot be "
                    + "shorter than the first");
        }
        Duration connect = in.millis(CONNECT_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, 1, 600_000);
        Duration read = in.millis(READ_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS, 1, 3_600_000);
        return Optional.of(new WebhookSettings(endpoints, batchSize, maxAttempts, budget, initial, max, connect, read));
    }

    /** The endpoint configured for {@code url}, compared as written. */
    public Optional<WebhookEndpoint> endpoint(String url) {
        return endpoints.stream().filter(e -> e.url().toString().equals(url)).findFirst();
    }

    @Override
    public String toString() {
        // spelled out so that adding a component can never pull a secret into a log line
        return "WebhookSettings[endpoints=" + endpoints + ", batchSize=" + batchSize + ", maxAttempts=" + maxAttempts
                + ", retryBudget=" + retryBudget + ", retryInitialDelay=" + retryInitialDelay + ", retryMaxDelay="
                + retryMaxDelay + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + "]";
    }

    private static List<URI> urls(SettingsReader in) {
        List<URI> urls = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String value : in.list(URL)) {
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new ConfigurationException(URL, "'" + printable(value) + "' is not a URL ("
                        + e.getReason() + ")");
            }
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!http || uri.getHost() == null) {
                throw new ConfigurationException(URL, "'" + printable(value)
                        + "' is not an absolute http(s) URL; expected http(s)://host[:port]/path");
            }
            if (uri.getRawUserInfo() != null) {
                // the JDK client would not send it anyway, and it would end up in dead-letter files
                throw new ConfigurationException(URL, "'" + display(uri) + "' carries user info (user:password@, not shown); "
                        + "webhook receivers authenticate the signature, remove it");
            }
            if (uri.getRawFragment() != null) {
                throw new ConfigurationException(URL, "'" + display(uri) + "' has a #fragment, which is never sent");
            }
            if (!seen.add(uri.toString())) {
                throw new ConfigurationException(URL, "'" + display(uri) + "' is listed twice; it would receive "
                        + "every message twice");
            }
            urls.add(uri);
        }
        return urls;
    }

    private static Optional<List<WebhookSecret>> secrets(SettingsReader in, String key) {
        Optional<String> value = in.get(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        List<String> parts = Arrays.stream(value.get().split("[\\s,]+")).filter(s -> !s.isEmpty()).toList();
        if (parts.size() > MAX_SECRETS) {
            throw new ConfigurationException(key, "holds " + parts.size() + " secrets; at most " + MAX_SECRETS
                    + " (the current one and the next, separated by a space) while rotating");
        }
        List<WebhookSecret> secrets = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            try {
                secrets.add(WebhookSecret.parse(parts.get(i)));
            } catch (IllegalArgumentException e) {
                String which = parts.size() == 1 ? "the secret" : (i == 0 ? "the first secret" : "the second secret");
                throw new ConfigurationException(key, which + " " + e.getMessage());
            }
        }
        return Optional.of(List.copyOf(secrets));
    }

    private static String display(URI uri) {
        return WebhookEndpoint.display(uri);
    }

    /** A value that did not parse, as far as it can be shown: no user info, no query. */
    private static String printable(String value) {
        int query = value.indexOf('?');
        String shown = query < 0 ? value : value.substring(0, query);
        return shown.replaceFirst("//[^/]*@", "//");
    }
}
