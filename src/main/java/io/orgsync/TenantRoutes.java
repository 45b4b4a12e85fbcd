package io.orgsync;

import io.orgsync.config.SourceSettings;
import io.orgsync.source.SourceDefinition;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.model.TemplatedRouteDefinition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every tenant's routes, instantiated from the route templates of the YAML route files: its source's
 * {@code <source>-sync-template} (plus the source's helper routes, as WeCom's
 * {@code wecom-department-members-template}) and {@code orgsync-schedule-template}. A source's own keys give routes named as in every earlier
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
            syncRoute(tenant, PUBLISH).declare(this);
            String route = tenant.routeName();
            new Instances(List.of(new Instance("orgsync-schedule-template", route + "-schedule", route + "-",
                    Map.of("route", route, "cron", tenant.schedule())))).declare(this);
        }
    }

    /** One route made from a template: which, its route id, its node id prefix and its parameters. */
    record Instance(String template, String routeId, String prefixId, Map<String, Object> parameters) {
    }

    /** The routes one tenant's sync is made of, to declare in a builder or add to a running context. */
    public record Instances(List<Instance> routes) {

        void declare(RouteBuilder builder) {
            for (Instance instance : routes) {
                TemplatedRouteDefinition definition = builder.templatedRoute(instance.template())
                        .routeId(instance.routeId());
                if (instance.prefixId() != null) {
                    definition.prefixId(instance.prefixId());
                }
                instance.parameters().forEach((name, value) -> definition.parameter(name, String.valueOf(value)));
            }
        }

        /** For a tenant known only once Camel runs (a source Kamelet's). */
        public void add(CamelContext context) {
            for (Instance instance : routes) {
                TemplatedRouteBuilder builder = TemplatedRouteBuilder.builder(context, instance.template())
                        .routeId(instance.routeId()).parameters(instance.parameters());
                if (instance.prefixId() != null) {
                    builder.prefixId(instance.prefixId());
                }
                builder.add();
            }
        }
    }

    /**
     * The sync route of one tenant ({@code direct:<route>-sync}), whose fetched run goes to
     * {@code publish}, with its source's helper routes.
     */
    public static Instances syncRoute(SourceSettings tenant, String publish) {
        String route = tenant.routeName();
        // a source's own routes keep the node ids they always had; more instances need a prefix
        String prefix = tenant.tenantName() == null ? null : route + "-";
        Map<String, Object> sync = new LinkedHashMap<>();
        sync.put("route", route);
        sync.put("configured", tenant.prefix());
        sync.put("vendor", vendor(tenant));
        sync.put("normaliser", OrgSyncConfiguration.beanName(tenant, "Normaliser"));
        sync.put("publish", publish);
        SourceDefinition source = tenant.name().definition();
        sync.put("fetchPool", OrgSyncConfiguration.beanName(tenant, "FetchPool"));
        sync.putAll(source.syncParameters(tenant, kind -> OrgSyncConfiguration.beanName(tenant, kind)));
        List<Instance> routes = new ArrayList<>();
        routes.add(new Instance(source.id() + "-sync-template", route + "-sync", prefix, sync));
        routes.add(new Instance(source.id() + "-token-template", route + "-token", prefix,
                Map.of("route", route, "vendor", vendor(tenant))));
        for (String part : source.helperRoutes()) {
            routes.add(new Instance(source.id() + "-" + part + "-template", route + "-" + part, prefix,
                    Map.of("route", route, "vendor", vendor(tenant),
                            "normaliser", OrgSyncConfiguration.beanName(tenant, "Normaliser"))));
        }
        return new Instances(routes);
    }

    /** The vendor's address as routes write it before a path: {@code https://qyapi.weixin.qq.com}. */
    static String vendor(SourceSettings tenant) {
        String base = tenant.baseUrl().toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
