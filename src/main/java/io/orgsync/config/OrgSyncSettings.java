package io.orgsync.config;

import io.orgsync.source.HttpSettings;
import io.orgsync.source.SourceDefinition;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import io.orgsync.sink.file.RunRetention;
import io.orgsync.sink.webhook.WebhookSettings;

/**
 * Every {@code orgsync.*} setting, validated once at start. All sources are checked, also those a
 * run does not use, so a typo in a schedule or URL is found on the first start and not at 2 a.m.
 */
public record OrgSyncSettings(
        List<SourceName> enabledSources,
        Map<SourceName, SourceSettings> sources,
        Set<String> sinks,
        Path fileDir,
        Set<String> fileFormats,
        int fileKeepRuns,
        int deletesMaxPercent,
        int deletesMaxCount,
        boolean deletesForce,
        HttpSettings http,
        boolean runOnceRequested,
        JdbcSettings jdbc,
        Optional<WebhookSettings> webhook,
        io.orgsync.run.Privacy privacy,
        Map<String, SourceSettings> tenants) {

    public static final String DEFAULT_SCHEDULE = "0 0 2 * * ?";
    /**
     * {@code jdbc} decides only whether runs go to the {@code orgsync_*} tables: the database is the
     * state store, so it records every run and keeps the last successful one whether listed or not.
     */
    public static final Set<String> KNOWN_SINKS = Set.of("file", "jdbc", "webhook");
    /** The list of named tenants, each configured under {@code orgsync.tenants.<name>.*}. */
    public static final String TENANTS_KEY = "orgsync.tenants";
    /** No dots (they would split the key) and nothing a route id or bean name cannot hold. */
    private static final Pattern TENANT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");

    public SourceSettings source(SourceName name) {
        return sources.get(name);
    }

    /**
     * Everything that runs: the enabled sources' own tenants, then the named tenants of
     * {@code orgsync.tenants}, in the order configured.
     */
    public List<SourceSettings> runnable() {
        List<SourceSettings> all = new ArrayList<>();
        enabledSources.forEach(name -> all.add(sources.get(name)));
        all.addAll(tenants.values());
        return all;
    }

    /**
     * The tenant a route names in {@code runs.begin}: a source id ({@code feishu}) or
     * {@code tenants.<name>} (see {@link SourceSettings#prefix()}).
     */
    public Optional<SourceSettings> byPrefix(String prefix) {
        String tenantsPrefix = SourceSettings.TENANTS + ".";
        if (prefix.startsWith(tenantsPrefix)) {
            return Optional.ofNullable(tenants.get(prefix.substring(tenantsPrefix.length())));
        }
        return SourceName.of(prefix).map(sources::get);
    }

    /** Sources with something to run: enabled, or the source of a named tenant (their route files are needed). */
    public Set<SourceName> sourcesInUse() {
        Set<SourceName> inUse = new LinkedHashSet<>(enabledSources);
        tenants.values().forEach(t -> inUse.add(t.name()));
        return inUse;
    }

    /** @param lookup resolves a key with placeholders expanded; empty when unset or blank */
    public static OrgSyncSettings load(Function<String, Optional<String>> lookup) {
        return load(lookup, true);
    }

    /**
     * @param requireSomethingToRun {@code false} where the tenants come from elsewhere: a Camel K
     *                              integration of Pipes runs only source Kamelets
     */
    public static OrgSyncSettings load(Function<String, Optional<String>> lookup, boolean requireSomethingToRun) {
        SettingsReader in = new SettingsReader(lookup);
        List<SourceName> enabled = new ArrayList<>();
        for (String name : in.list("orgsync.sources")) {
            SourceName source = SourceName.of(name).orElseThrow(() -> new ConfigurationException("orgsync.sources",
                    "unknown source '" + name + "' (known: " + SourceName.known() + ")"));
            if (!enabled.contains(source)) {
                enabled.add(source);
            }
        }
        List<String> tenantNames = in.list(TENANTS_KEY);
        if (requireSomethingToRun && enabled.isEmpty() && tenantNames.isEmpty()) {
            throw new ConfigurationException("orgsync.sources",
                    "no source enabled (list one or more of " + SourceName.known() + ", or name tenants in "
                            + TENANTS_KEY + ")");
        }
        String defaultSchedule = in.cron("orgsync.schedule", DEFAULT_SCHEDULE);
        Map<SourceName, SourceSettings> sources = new LinkedHashMap<>();
        for (SourceName name : SourceName.values()) {
            sources.put(name, source(in, name, null, enabled.contains(name), defaultSchedule));
        }
        Map<String, SourceSettings> tenants = tenants(in, tenantNames, defaultSchedule);
        checkTenantsDistinct(enabled, sources, tenants);
        Set<String> sinks = new LinkedHashSet<>();
        for (String sink : in.list("orgsync.sinks", "file")) {
            if (!KNOWN_SINKS.contains(sink)) {
                throw new ConfigurationException("orgsync.sinks", "unknown sink '" + sink
                        + "' (known: file, jdbc, webhook)");
            }
            sinks.add(sink);
        }
        if (sinks.isEmpty()) {
            throw new ConfigurationException("orgsync.sinks", "no sink enabled (use file, jdbc, webhook)");
        }
        // validated whenever set, like every key, even while the sink is not listed
        Optional<WebhookSettings> webhook = WebhookSettings.loadIfConfigured(lookup);
        if (sinks.contains("webhook") && webhook.isEmpty()) {
            throw new ConfigurationException(WebhookSettings.URL, "missing; 'webhook' is listed in orgsync.sinks "
                    + "and needs the receiver URL(s)");
        }
        Set<String> formats = new LinkedHashSet<>(List.of("jsonl"));
        for (String format : in.list("orgsync.file.formats", "jsonl")) {
            if (!format.equals("jsonl") && !format.equals("csv")) {
                throw new ConfigurationException("orgsync.file.formats",
                        "unknown format '" + format + "' (known: jsonl, csv)");
            }
            formats.add(format);
        }
        Path fileDir = in.path("orgsync.file.dir", "exports");
        int keepRuns = in.integer(RunRetention.KEY, RunRetention.DEFAULT_KEEP_RUNS, 0, Integer.MAX_VALUE);
        int maxPercent = in.integer("orgsync.deletes.max-percent", 20, 0, 100);
        int maxCount = in.integer("orgsync.deletes.max-count", 500, 0, Integer.MAX_VALUE);
        boolean force = in.bool("orgsync.deletes.force", false);
        HttpSettings defaults = HttpSettings.defaults();
        HttpSettings http = new HttpSettings(
                Duration.ofMillis(in.integer("orgsync.http.connect-timeout-ms",
                        (int) defaults.connectTimeout().toMillis(), 1, 600_000)),
                Duration.ofMillis(in.integer("orgsync.http.read-timeout-ms",
                        (int) defaults.readTimeout().toMillis(), 1, 3_600_000)),
                in.integer("orgsync.http.max-retries", defaults.maxRetries(), 0, 20),
                Duration.ofMillis(in.integer("orgsync.http.retry-initial-delay-ms",
                        (int) defaults.retryInitialDelay().toMillis(), 1, 600_000)),
                Duration.ofMillis(in.integer("orgsync.http.retry-max-delay-ms",
                        (int) defaults.retryMaxDelay().toMillis(), 1, 3_600_000)),
                in.integer("orgsync.http.max-rate-limit-waits", defaults.maxRateLimitWaits(), 0, 100),
                in.integer("orgsync.http.max-response-mb",
                        (int) (defaults.maxResponseBytes() / (1024 * 1024)), 1, 4096) * 1024L * 1024L,
                in.integer("orgsync.http.max-pages", defaults.maxPages(), 1, 10_000_000));
        boolean runOnce = in.bool("orgsync.run-once", false);
        // whether the database answers is checked when it is opened, still before Camel starts a route
        JdbcSettings jdbc = JdbcSettings.validated(in.get(JdbcSettings.URL_KEY).orElse(null),
                in.get(JdbcSettings.USERNAME_KEY).orElse(""), in.get(JdbcSettings.PASSWORD_KEY).orElse(""));
        return new OrgSyncSettings(List.copyOf(enabled), Map.copyOf(sources), Set.copyOf(sinks), fileDir,
                Set.copyOf(formats), keepRuns, maxPercent, maxCount, force, http, runOnce, jdbc,
                sinks.contains("webhook") ? webhook : Optional.empty(), io.orgsync.run.Privacy.load(in::get),
                java.util.Collections.unmodifiableMap(tenants));
    }

    /**
     * {@code orgsync.tenants = east-campus, hq}: each name's keys mirror a source's own keys under
     * {@code orgsync.tenants.<name>.}, plus {@code .source} naming the source. A listed tenant is
     * enabled, so its credentials are required.
     */
    private static Map<String, SourceSettings> tenants(SettingsReader in, List<String> names, String defaultSchedule) {
        Map<String, SourceSettings> tenants = new LinkedHashMap<>();
        for (String tenantName : names) {
            if (!TENANT_NAME.matcher(tenantName).matches()) {
                throw new ConfigurationException(TENANTS_KEY, "'" + tenantName + "' cannot name a tenant: it must match "
                        + TENANT_NAME.pattern() + " (it becomes part of keys, route ids and bean names)");
            }
            if (tenants.containsKey(tenantName)) {
                throw new ConfigurationException(TENANTS_KEY, "'" + tenantName + "' is listed twice");
            }
            String sourceKey = tenantKey(tenantName, "source");
            // the message keeps "vendor", the word operators have always been shown here
            String id = in.get(sourceKey).orElseThrow(() -> new ConfigurationException(sourceKey,
                    "missing; tenant '" + tenantName + "' is listed in " + TENANTS_KEY
                            + " and needs its vendor (" + SourceName.known() + ")"));
            SourceName name = SourceName.of(id).orElseThrow(() -> new ConfigurationException(sourceKey,
                    "unknown source '" + id + "' (known: " + SourceName.known() + ")"));
            tenants.put(tenantName, source(in, name, tenantName, true, defaultSchedule));
        }
        return tenants;
    }

    /**
     * One named tenant read from {@code orgsync.tenants.<name>.*} keys of {@code lookup}, validated
     * as a listed tenant's are (a source Kamelet's properties, say).
     */
    public static SourceSettings namedTenant(Function<String, Optional<String>> lookup, SourceName source,
                                             String tenantName) {
        if (!TENANT_NAME.matcher(tenantName).matches()) {
            throw new ConfigurationException(tenantKey(tenantName, "tenant"), "'" + tenantName + "' cannot name a "
                    + "tenant: it must match " + TENANT_NAME.pattern());
        }
        return source(new SettingsReader(lookup), source, tenantName, true, DEFAULT_SCHEDULE);
    }

    /** Two runs writing to one {@code <source>/<tenant>} would overwrite each other's exports and state. */
    private static void checkTenantsDistinct(List<SourceName> enabled, Map<SourceName, SourceSettings> sources,
                                             Map<String, SourceSettings> tenants) {
        Map<String, String> owners = new LinkedHashMap<>();
        for (SourceName name : enabled) {
            SourceSettings source = sources.get(name);
            owners.put(name.id() + "/" + source.tenant(), source.key("tenant"));
        }
        for (SourceSettings tenant : tenants.values()) {
            String previous = owners.putIfAbsent(tenant.name().id() + "/" + tenant.tenant(), tenant.key("tenant"));
            if (previous != null) {
                throw new ConfigurationException(tenant.key("tenant"), "'" + tenant.tenant() + "' is already the "
                        + tenant.name().id() + " tenant of " + previous.substring(0, previous.length() - ".tenant".length())
                        + ".*; give each a tenant of its own (it names the export folder and the database rows)");
            }
        }
    }

    static String tenantKey(String tenantName, String suffix) {
        return "orgsync." + SourceSettings.TENANTS + "." + tenantName + "." + suffix;
    }

    private static SourceSettings source(SettingsReader in, SourceName name, String tenantName, boolean enabled,
                                         String defaultSchedule) {
        SourceDefinition source = name.definition();
        // the source's own keys or the tenant's, with the same suffixes
        java.util.function.UnaryOperator<String> key = tenantName == null ? name::key
                : suffix -> tenantKey(tenantName, suffix);
        String enabledBy = tenantName == null ? "'" + name.id() + "' is listed in orgsync.sources"
                : "tenant '" + tenantName + "' is listed in " + TENANTS_KEY;
        URI baseUrl = in.url(key.apply("base-url"), source.defaultBaseUrl());
        Map<String, String> credentials = new LinkedHashMap<>();
        for (String suffix : source.credentialKeys()) {
            Optional<String> value = in.get(key.apply(suffix));
            if (value.isEmpty() && enabled) {
                throw new ConfigurationException(key.apply(suffix), "missing; " + enabledBy
                        + " and needs it (set it, or the environment variable "
                        + envName(key.apply(suffix)) + ")");
            }
            value.ifPresent(v -> credentials.put(suffix, v));
        }
        // a named tenant's own name: two tenants of one corp (two campuses, say) stay apart by default
        String tenant = in.get(key.apply("tenant")).orElse(tenantName != null ? tenantName
                : credentials.get(source.tenantCredential()));
        if (tenant != null && !TENANT.matcher(tenant).matches()) {
            String named = in.get(key.apply("tenant")).isPresent() || tenantName != null ? key.apply("tenant")
                    : key.apply(source.tenantCredential());
            throw new ConfigurationException(named, "'" + tenant + "' cannot serve as tenant: it must match "
                    + TENANT.pattern() + " (it becomes a folder name); set " + key.apply("tenant"));
        }
        String schedule = in.cron(key.apply("schedule"), defaultSchedule);
        int perSecond = in.integer(key.apply("max-requests-per-second"), source.defaultPerSecond(), 1, 100_000);
        int perMinute = in.integer(key.apply("max-requests-per-minute"), source.defaultPerMinute(), 1, 6_000_000);
        int concurrency = in.integer(key.apply("concurrency"), source.defaultConcurrency(), 1, 64);
        String root = in.get(key.apply("root-department-id")).orElse(source.defaultRootDepartmentId());
        Map<String, String> options = source.options(in, key);
        return new SourceSettings(name, baseUrl, Map.copyOf(credentials), tenant, schedule, perSecond, perMinute,
                concurrency, root, Map.copyOf(options), tenantName);
    }

    /** {@code orgsync.feishu.base-url} → {@code ORGSYNC_FEISHU_BASE_URL}. */
    public static String envName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
