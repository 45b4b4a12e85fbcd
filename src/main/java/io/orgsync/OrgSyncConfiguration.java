package io.orgsync;

import io.orgsync.config.OrgSyncSettings;
import io.orgsync.config.SourceName;
import io.orgsync.config.SourceSettings;
import io.orgsync.run.RunCoordinator;
import io.orgsync.sink.file.FileSink;
import io.orgsync.sink.file.FileStateStore;
import io.orgsync.vendor.Paging;
import io.orgsync.vendor.RequestPacer;
import io.orgsync.vendor.VendorApi;
import io.orgsync.vendor.VendorClient;
import io.orgsync.vendor.wecom.WecomDialect;
import io.orgsync.vendor.wecomschool.WecomSchoolNormaliser;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import java.time.Clock;

/**
 * Binds the beans the routes use ({@code runs}, {@code fileSink}, {@code wecomSchoolApi}, …) from
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
        RunCoordinator runs = new RunCoordinator(settings, new FileStateStore(settings.fileDir()), clock);
        context.getRegistry().bind("runs", runs);
        context.getRegistry().bind("fileSink", fileSink);
        context.getRegistry().bind("paging", new Paging(settings.http().maxPages()));

        bindWecomSchool(context);
        bindWecom(context);
        bindFeishu(context);
        bindWuhanEdu(context);
    }

    private void bindWecomSchool(CamelContext context) {
        SourceSettings school = settings.source(SourceName.WECOM_SCHOOL);
        context.getRegistry().bind("wecomSchoolApi", new VendorApi(client(school,
                new WecomDialect(school.name().id(), school.credential("corp-id"), school.credential("corp-secret"),
                        clock))));
        context.getRegistry().bind("wecomSchoolNormaliser", new WecomSchoolNormaliser(school.rootDepartmentId()));
    }

    private void bindWecom(CamelContext context) {
        // wecom: bound with its routes (issue 3)
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
        // wuhan-edu: bound with its routes (issue 3)
    }

    private VendorClient client(SourceSettings source, io.orgsync.vendor.VendorDialect dialect) {
        return new VendorClient(source.name().id(), source.baseUrl(), dialect, settings.http(),
                new RequestPacer(source.maxRequestsPerSecond(), source.maxRequestsPerMinute()));
    }
}
