package io.orgsync;

import io.orgsync.config.ConfigurationException;
import io.orgsync.config.OrgSyncSettings;
import io.orgsync.config.SourceName;
import io.orgsync.config.SourceSettings;
import io.orgsync.ops.RunMetrics;
import io.orgsync.ops.StateHealthCheck;
import io.orgsync.run.PublishRoutes;
import io.orgsync.run.RunCoordinator;
import io.orgsync.run.Sink;
import io.orgsync.sink.webhook.WebhookDelivery;
import io.orgsync.sink.webhook.WebhookSink;
import io.orgsync.sink.file.FileSink;
import io.orgsync.sink.file.UncommittedRuns;
import io.orgsync.sink.jdbc.Database;
import io.orgsync.sink.jdbc.JdbcSink;
import io.orgsync.sink.jdbc.JdbcStore;
import io.orgsync.source.Paging;
import io.orgsync.source.RequestPacer;
import io.orgsync.source.SourceDefinition;
import io.orgsync.source.VendorCalls;
import io.orgsync.source.VendorConnection;
import io.orgsync.source.VendorDialect;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.support.service.ServiceSupport;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Binds the beans the routes use ({@code runs}, {@code paging}, {@code wecomSchoolNormaliser}, …) from
 * settings validated before Camel started. Bean names are the routes' vocabulary: keep them stable.
 */
public final class OrgSyncConfiguration implements CamelConfiguration {

    private static final String FILE_DIR = "orgsync.file.dir";

    private final OrgSyncSettings settings;
    private final Clock clock;

    public OrgSyncConfiguration(OrgSyncSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void configure(CamelContext context) {
        synchronizeRegistry(context);
        if (settings.sinks().contains(FileSink.NAME) || settings.sinks().contains(WebhookSink.NAME)) {
            checkFileDir(settings.fileDir());
        }
        FileSink fileSink = new FileSink(settings.fileDir(), settings.fileFormats(), settings.fileKeepRuns());
        try {
            // a crash mid-publish leaves a hidden temporary run directory; it was never visible, so it goes
            fileSink.cleanStaleTemporaryDirectories();
        } catch (IOException e) {
            throw new ConfigurationException(FILE_DIR,
                    "cannot clean up " + settings.fileDir().toAbsolutePath() + ": " + e.getMessage());
        }
        JdbcStore state = openState(context);
        takeBackUncommitted(state);
        Map<String, Sink> sinks = new LinkedHashMap<>();
        sinks.put(fileSink.name(), fileSink);
        WebhookSink webhookSink = settings.webhook().map(webhook ->
                new WebhookSink(new WebhookDelivery(webhook, settings.fileDir(), state))).orElse(WebhookSink.unconfigured());
        settings.webhook().ifPresent(webhook -> sinks.put(WebhookSink.NAME, webhookSink));
        RunCoordinator runs = new RunCoordinator(settings, state, sinks, clock);
        context.getRegistry().bind("runs", runs);
        // the run pipeline and what its sink routes call
        context.getRegistry().bind("orgsyncPublishRoutes", new PublishRoutes());
        JdbcSink.bind(context.getRegistry(), state);
        context.getRegistry().bind("fileSink", fileSink);
        context.getRegistry().bind("webhookSink", webhookSink);
        runs.observe(RunMetrics.of(context));
        StateHealthCheck.register(context, state.database().dataSource());
        // camel.main.log-mask=true looks this name up; without it the vendors' JSON keys go unmasked
        context.getRegistry().bind(org.apache.camel.spi.MaskingFormatter.CUSTOM_LOG_MASK_REF, new VendorLogMask());
        context.getRegistry().bind("paging", new Paging(settings.http().maxPages()));

        vendorCalls(context);
        // every source's own beans, enabled or not, as before tenants existed; then each named tenant's
        for (SourceName name : SourceName.values()) {
            bindTenant(context, settings.source(name));
        }
        settings.tenants().values().forEach(tenant -> bindTenant(context, tenant));
        // a RoutesBuilder in the registry is added with the YAML routes, its templated routes after
        // every template is known
        context.getRegistry().bind("orgsyncTenantRoutes", new TenantRoutes(settings.runnable()));
        context.getRegistry().bind(io.orgsync.kamelet.Kamelets.BEAN, new io.orgsync.kamelet.Kamelets(context, this, runs,
                settings.fileDir()));
    }

    /**
     * The file sink's runs and the webhook sink's dead letters live under {@code orgsync.file.dir};
     * unchecked, a file there or a folder that cannot be made shows only when the first run
     * publishes, after its whole fetch. Making the folder is the only sure test that it can be made.
     */
    static void checkFileDir(Path dir) {
        Path absolute = dir.toAbsolutePath();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new ConfigurationException(FILE_DIR, absolute + " is not a directory; point " + FILE_DIR
                    + " at a folder (runs go to <dir>/<source>/<tenant>/, dead letters to <dir>/dead-letter/)");
        }
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            // the exception names the path it failed on, which may be a parent: say which, and why
            String reason = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "a file or a broken link is in the way"
                    : e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
            String where = e instanceof FileSystemException f && f.getFile() != null
                    && !Path.of(f.getFile()).toAbsolutePath().equals(absolute) ? " (at " + f.getFile() + ")" : "";
            throw new ConfigurationException(FILE_DIR, "cannot create the folder " + absolute + ": " + reason + where);
        }
    }

    /**
     * Before any run: whatever a run published that the database does not record as successful
     * (a crash took back its commit) is taken back, so that every sink agrees with the database
     * the next run is compared with.
     */
    private void takeBackUncommitted(JdbcStore state) {
        try {
            UncommittedRuns.reconcile(settings.fileDir(), state);
            WebhookDelivery.discardUncommitted(settings.fileDir(), state);
        } catch (ConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigurationException(FILE_DIR, "cannot check " + settings.fileDir().toAbsolutePath()
                    + " against the database: " + e.getMessage());
        }
    }

    /** A tenant's vendor connection, normaliser and fetch pool under {@link #beanName} names; also a source Kamelet's. */
    public void bindTenant(CamelContext context, SourceSettings tenant) {
        SourceDefinition source = tenant.name().definition();
        VendorConnection connection = connection(context, tenant, source.dialect(tenant, clock));
        vendorCalls(context).register(tenant.prefix(), connection);
        context.getRegistry().bind(beanName(tenant, "Connection"), connection);
        source.beans(tenant).forEach((kind, bean) -> context.getRegistry().bind(beanName(tenant, kind), bean));
        bindFetchPool(context, tenant);
    }

    /**
     * Beans are bound after start too (a source Kamelet's tenant, at its first run): the registry's
     * map of beans takes one lock per call ({@link SynchronizedRegistry}), keeping what is bound.
     */
    static void synchronizeRegistry(CamelContext context) {
        if (context.getRegistry() instanceof org.apache.camel.support.DefaultRegistry registry
                && registry.getFallbackRegistry() instanceof org.apache.camel.support.SimpleRegistry beans
                && !(beans instanceof SynchronizedRegistry)) {
            SynchronizedRegistry synchronizedBeans = new SynchronizedRegistry();
            synchronizedBeans.putAll(beans);
            registry.setFallbackRegistry(synchronizedBeans);
        }
    }

    /**
     * {@code <source>FetchPool}: the threads a source's parallel splits fetch on, one pool per source
     * so a slow vendor never starves another's run. The client keeps as many requests in flight as
     * the pace fills over the round trip, at most {@code concurrency} (the ceiling); the pool has
     * four threads more, so that while some map answers (parsing and normalising a hundred people
     * takes about as long as a loopback request; two cores map two at a time) the others keep
     * requests going even at the ceiling. With as many threads as requests, mapping held WeCom at
     * 83 calls a second against a pacing of 95. A thread holds one answer at a time, so the pool
     * also bounds the answers being read and mapped at once: the ceiling and four, where twice the
     * ceiling would have held 64 (answers that wait in {@code InSplitOrder} for an earlier one come
     * on top).
     * A concurrency of 1 stays one thread: a serial run, in which no request waits with a token that
     * the one before it may find expired. The pacing, shared by the threads, bounds their rate.
     * <p>The queue holds as many items as there are threads. Without one (Camel's default for a
     * queue size of 0 or less is a hand-over queue, and a pool that has no thread free at that very
     * moment runs the item on the caller), the split's own thread took every item no thread was
     * waiting for, and fed nothing while that item waited for its place, its pacing slot and the
     * round trip: a limited WeCom first sync at 100 ms took 15.9 s, with this queue 12.5 s. Bounded,
     * so a split never holds more than that many items waiting (each a request not yet sent, not an
     * answer).
     * Camel shuts the pool down with the context.
     */
    private void bindFetchPool(CamelContext context, SourceSettings source) {
        String name = source.routeName();
        String bean = beanName(source, "FetchPool");
        int mapping = 4;
        int threads = source.concurrency() == 1 ? 1 : source.concurrency() + mapping;
        ExecutorService pool = context.getExecutorServiceManager().newThreadPool(this, "orgsync-" + name + "-fetch",
                new ThreadPoolProfileBuilder(bean).poolSize(threads).maxPoolSize(threads).maxQueueSize(threads).build());
        context.getRegistry().bind(bean, ExecutorService.class, pool);
    }

    /**
     * The database is opened (and its tables migrated) while Camel starts, before any route can
     * fire, so a wrong URL or password is a configuration error at start-up. It is closed after
     * the routes have stopped: a run finishing during shutdown still has its connection.
     */
    private JdbcStore openState(CamelContext context) {
        JdbcStore state = new JdbcStore(Database.open(settings.jdbc()), clock);
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    state.close();
                }
            }, true, true);
        } catch (Exception e) {
            state.close();
            throw new IllegalStateException("cannot register the database with Camel", e);
        }
        return state;
    }

    /**
     * The registry name of a tenant's bean of one kind ({@code Connection}, {@code Normaliser},
     * {@code FetchPool}, {@code StudentsInOrder}): {@code wecomSchoolNormaliser} for a source's own
     * keys, the names routes have always used; {@code tenants.<name>.normaliser} for a named tenant. Each tenant has
     * its own client, hence its own token cache and pacer: the vendors limit per app or corp.
     */
    public static String beanName(SourceSettings tenant, String kind) {
        if (tenant.tenantName() != null) {
            return SourceSettings.TENANTS + "." + tenant.tenantName() + "."
                    + Character.toLowerCase(kind.charAt(0)) + kind.substring(1);
        }
        StringBuilder camel = new StringBuilder();
        for (String part : tenant.name().id().split("-")) {
            camel.append(camel.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return camel + kind;
    }

    private VendorConnection connection(CamelContext context, SourceSettings source, VendorDialect dialect) {
        return new VendorConnection(source.prefix(), source.baseUrl().toString(), "direct:" + source.routeName() + "-token",
                dialect, settings.http(),
                new RequestPacer(source.maxRequestsPerSecond(), source.maxRequestsPerMinute(), source.concurrency()));
    }

    /**
     * The mechanics every vendor call passes through ({@link VendorCalls}), and the
     * camel-http components the calls go out on: timeouts from {@code orgsync.http.*}; connections
     * enough for every tenant's requests in flight; no retry, redirect, cookie or decompression of
     * the client's own, as retries and their counting are {@link VendorConnection}'s decisions.
     */
    private VendorCalls vendorCalls(CamelContext context) {
        VendorCalls bound = context.getRegistry().lookupByNameAndType(VendorCalls.BEAN, VendorCalls.class);
        if (bound != null) {
            return bound;
        }
        VendorCalls calls = new VendorCalls();
        calls.setCamelContext(context);
        try {
            context.addService(calls, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the vendor call mechanics with Camel", e);
        }
        context.getRegistry().bind(VendorCalls.BEAN, calls);
        context.getCamelContextExtension().registerEndpointCallback(calls);
        int connections = 0;
        for (SourceName name : SourceName.values()) {
            connections += settings.source(name).concurrency() + 1;
        }
        for (SourceSettings tenant : settings.tenants().values()) {
            connections += tenant.concurrency() + 1;
        }
        for (String scheme : List.of("http", "https")) {
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            http.setConnectTimeout(settings.http().connectTimeout().toMillis());
            http.setConnectionRequestTimeout(settings.http().readTimeout().toMillis());
            // waiting for the answer and for each part of its body alike
            http.setSoTimeout(settings.http().readTimeout().toMillis());
            http.setResponseTimeout(settings.http().readTimeout().toMillis());
            // every request in flight has a connection of its own, up to each tenant's ceiling; a token call may add one
            http.setMaxTotalConnections(Math.max(connections, 20));
            http.setConnectionsPerRoute(Math.max(connections, 20));
            http.setFollowRedirects(false);
            http.setHttpClientConfigurer(builder -> builder.disableAutomaticRetries().disableRedirectHandling()
                    .disableContentCompression().disableCookieManagement().disableAuthCaching());
        }
        return calls;
    }
}
