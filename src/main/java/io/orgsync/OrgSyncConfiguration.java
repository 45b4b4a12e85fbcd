package io.orgsync;

import io.orgsync.config.OrgSyncSettings;
import io.orgsync.config.SourceName;
import io.orgsync.config.SourceSettings;
import io.orgsync.ops.RunMetrics;
import io.orgsync.ops.StateHealthCheck;
import io.orgsync.run.RunCoordinator;
import io.orgsync.run.Sink;
import io.orgsync.sink.webhook.WebhookDelivery;
import io.orgsync.sink.webhook.WebhookSink;
import io.orgsync.sink.file.FileSink;
import io.orgsync.sink.jdbc.Database;
import io.orgsync.sink.jdbc.JdbcStore;
import io.orgsync.vendor.InSplitOrder;
import io.orgsync.vendor.Paging;
import io.orgsync.vendor.RequestPacer;
import io.orgsync.vendor.VendorApi;
import io.orgsync.vendor.VendorClient;
import io.orgsync.vendor.wecom.WecomDialect;
import io.orgsync.vendor.wecom.WecomNormaliser;
import io.orgsync.vendor.wecom.WecomPlan;
import io.orgsync.vendor.wecomschool.WecomSchoolNormaliser;
import io.orgsync.vendor.wuhan.WuhanDialect;
import io.orgsync.vendor.wuhan.WuhanNormaliser;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.support.service.ServiceSupport;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Binds the beans the routes use ({@code runs}, {@code paging}, {@code wecomSchoolApi}, …) from
 * settings validated before Camel started. Bean names are the routes' vocabulary: keep them stable.
 */
public final class OrgSyncConfiguration implements CamelConfiguration {

    private final OrgSyncSettings settings;
    private final Clock clock;

    public OrgSyncConfiguration(OrgSyncSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void configure(CamelContext context) {
        FileSink fileSink = new FileSink(settings.fileDir(), settings.fileFormats());
        try {
            // a crash mid-publish leaves a hidden temporary run directory; it was never visible, so it goes
            fileSink.cleanStaleTemporaryDirectories();
        } catch (java.io.IOException e) {
            throw new io.orgsync.config.ConfigurationException("orgsync.file.dir",
                    "cannot clean up " + settings.fileDir().toAbsolutePath() + ": " + e.getMessage());
        }
        Map<String, Sink> sinks = new LinkedHashMap<>();
        sinks.put(fileSink.name(), fileSink);
        settings.webhook().ifPresent(webhook ->
                sinks.put(WebhookSink.NAME, new WebhookSink(new WebhookDelivery(webhook, settings.fileDir()))));
        JdbcStore state = openState(context);
        RunCoordinator runs = new RunCoordinator(settings, state, sinks, clock);
        context.getRegistry().bind("runs", runs);
        runs.observe(RunMetrics.of(context));
        StateHealthCheck.register(context, state.database().dataSource());
        // camel.main.log-mask=true looks this name up; without it the vendors' JSON keys go unmasked
        context.getRegistry().bind(org.apache.camel.spi.MaskingFormatter.CUSTOM_LOG_MASK_REF, new VendorLogMask());
        context.getRegistry().bind("paging", new Paging(settings.http().maxPages()));

        bindWecomSchool(context);
        bindWecom(context);
        bindFeishu(context);
        bindWuhanEdu(context);
        for (SourceName name : List.of(SourceName.WECOM, SourceName.WECOM_SCHOOL, SourceName.FEISHU)) {
            bindFetchPool(context, settings.source(name));
        }
    }

    /**
     * {@code <source>FetchPool}: the threads a source's parallel splits fetch on, one pool per source
     * so a slow vendor never starves another's run. The pool bounds the requests in flight; the
     * pacing, shared by the pool's threads, bounds their rate. Camel shuts it down with the context.
     */
    private void bindFetchPool(CamelContext context, SourceSettings source) {
        String name = source.name().id();
        String bean = fetchPoolName(source.name());
        ExecutorService pool = context.getExecutorServiceManager().newThreadPool(this, "orgsync-" + name + "-fetch",
                new ThreadPoolProfileBuilder(bean).poolSize(source.concurrency()).maxPoolSize(source.concurrency())
                        .maxQueueSize(-1).build());
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

    private void bindWecomSchool(CamelContext context) {
        SourceSettings school = settings.source(SourceName.WECOM_SCHOOL);
        context.getRegistry().bind("wecomSchoolApi", new VendorApi(client(school,
                new WecomDialect(school.name().id(), school.credential("corp-id"), school.credential("corp-secret"),
                        clock))));
        WecomSchoolNormaliser normaliser = new WecomSchoolNormaliser(school.rootDepartmentId());
        context.getRegistry().bind("wecomSchoolNormaliser", normaliser);
        context.getRegistry().bind("wecomSchoolStudentsInOrder", new InSplitOrder(normaliser::students));
    }

    private void bindWecom(CamelContext context) {
        SourceSettings wecom = settings.source(SourceName.WECOM);
        context.getRegistry().bind("wecomApi", new VendorApi(client(wecom,
                new WecomDialect(wecom.name().id(), wecom.credential("corp-id"), wecom.credential("corp-secret"),
                        clock))));
        context.getRegistry().bind("wecomNormaliser", new WecomNormaliser(wecom.rootDepartmentId(),
                WecomPlan.DepartmentMode.of(wecom.option("department-mode", "auto")),
                WecomPlan.MemberMode.of(wecom.option("member-mode", "auto"))));
    }

    private void bindFeishu(CamelContext context) {
        SourceSettings feishu = settings.source(SourceName.FEISHU);
        // fully qualified: the imports are shared with the other sources' bind methods
        context.getRegistry().bind("feishuApi", new VendorApi(client(feishu, new io.orgsync.vendor.feishu.FeishuDialect(
                feishu.name().id(), feishu.credential("app-id"), feishu.credential("app-secret"), clock))));
        context.getRegistry().bind("feishuNormaliser", new io.orgsync.vendor.feishu.FeishuNormaliser(
                feishu.rootDepartmentId(), feishu.option("department-id-type", "open_department_id"),
                feishu.option("user-id-type", "open_id")));
    }

    private void bindWuhanEdu(CamelContext context) {
        SourceSettings wuhan = settings.source(SourceName.WUHAN_EDU);
        context.getRegistry().bind("wuhanEduApi", new VendorApi(client(wuhan,
                new WuhanDialect(wuhan.name().id(), wuhan.credential("app-id"), wuhan.credential("app-key"), clock))));
        context.getRegistry().bind("wuhanEduNormaliser",
                new WuhanNormaliser(wuhan.credential("top-org-id"), wuhan.rootDepartmentId()));
    }

    /** The bean name routes give their split's {@code executorService}. */
    public static String fetchPoolName(SourceName source) {
        return switch (source) {
            case WECOM -> "wecomFetchPool";
            case WECOM_SCHOOL -> "wecomSchoolFetchPool";
            case FEISHU -> "feishuFetchPool";
            case WUHAN_EDU -> "wuhanEduFetchPool";
        };
    }

    private VendorClient client(SourceSettings source, io.orgsync.vendor.VendorDialect dialect) {
        return new VendorClient(source.name().id(), source.baseUrl(), dialect, settings.http(),
                new RequestPacer(source.maxRequestsPerSecond(), source.maxRequestsPerMinute(), source.concurrency()));
    }
}
