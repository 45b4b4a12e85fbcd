package io.orgsync;

import io.orgsync.config.SourceName;
import io.orgsync.config.SourceSettings;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.TemplatedRouteDefinition;

import java.util.List;

/**
 * Every tenant's routes, instantiated from the route templates of the YAML route files: its vendor's
 * {@code <vendor>-sync-template} (plus {@code wecom-department-members-template} for WeCom) and
 * {@code orgsync-schedule-template}. A source's own keys give routes named as in every earlier
 * version ({@code feishu-sync}, {@code feishu-schedule}, {@code direct:feishu-sync}); a named tenant
 * gets {@code tenant-<name>-sync} and friends, with its node ids prefixed {@code tenant-<name>-}.
 *
 * <p>Camel adds templated routes after every builder's templates, so this builder may sit in the
 * registry beside the YAML routes in any order.
 */
public final class TenantRoutes extends RouteBuilder {

    /** Where a tenant's sync hands its fetched run over: the sinks of {@code orgsync.sinks}. */
    public static final String PUBLISH = "direct:orgsync-publish";

    private final List<SourceSettings> tenants;

    public TenantRoutes(List<SourceSettings> tenants) {
        this.tenants = List.copyOf(tenants);
    }

    @Override
    public void configure() {
        for (SourceSettings tenant : tenants) {
            addSync(tenant, PUBLISH);
            String route = tenant.routeName();
            templatedRoute("orgsync-schedule-template")
                    .routeId(route + "-schedule")
                    .prefixId(route + "-")
                    .parameter("route", route)
                    .parameter("cron", tenant.schedule());
        }
    }

    /**
     * The sync route of one tenant ({@code direct:<route>-sync}), whose fetched run goes to
     * {@code publish}. Also used for the tenants of source Kamelets.
     */
    void addSync(SourceSettings tenant, String publish) {
        String route = tenant.routeName();
        // a source's own routes keep the node ids they always had; more instances need a prefix
        String prefix = tenant.tenantName() == null ? null : route + "-";
        TemplatedRouteDefinition sync = templatedRoute(tenant.name().id() + "-sync-template")
                .routeId(route + "-sync")
                .parameter("route", route)
                .parameter("configured", tenant.prefix())
                .parameter("api", OrgSyncConfiguration.beanName(tenant, "Api"))
                .parameter("normaliser", OrgSyncConfiguration.beanName(tenant, "Normaliser"))
                .parameter("publish", publish);
        if (prefix != null) {
            sync.prefixId(prefix);
        }
        switch (tenant.name()) {
            case WECOM_SCHOOL -> sync
                    .parameter("fetchPool", OrgSyncConfiguration.beanName(tenant, "FetchPool"))
                    .parameter("studentsInOrder", OrgSyncConfiguration.beanName(tenant, "StudentsInOrder"))
                    // left empty for the vendor's root: the route then asks for the whole tree
                    .parameter("rootDepartmentId", customRoot(tenant));
            case WECOM, FEISHU -> sync.parameter("fetchPool", OrgSyncConfiguration.beanName(tenant, "FetchPool"));
            case WUHAN_EDU -> sync
                    .parameter("topOrgId", tenant.credential("top-org-id"))
                    .parameter("rootDepartmentId", customRoot(tenant));
        }
        if (tenant.name() == SourceName.WECOM) {
            TemplatedRouteDefinition members = templatedRoute("wecom-department-members-template")
                    .routeId(route + "-department-members")
                    .parameter("route", route)
                    .parameter("api", OrgSyncConfiguration.beanName(tenant, "Api"))
                    .parameter("normaliser", OrgSyncConfiguration.beanName(tenant, "Normaliser"));
            if (prefix != null) {
                members.prefixId(prefix);
            }
        }
    }

    /**
     * Empty for the vendor's own root, as {@code OrgSyncApp.effectiveProperties} leaves it unset:
     * the whole tree is also the only answer that shows departments cut off from the root.
     */
    private static String customRoot(SourceSettings tenant) {
        String root = tenant.rootDepartmentId();
        return root == null || root.equals(tenant.name().defaultRootDepartmentId()) ? "" : root;
    }
}
