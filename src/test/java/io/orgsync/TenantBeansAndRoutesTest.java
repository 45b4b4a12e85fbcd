package io.orgsync;

import org.junit.jupiter.params.provider.MethodSource;
import io.orgsync.config.OrgSyncSettings;
import io.orgsync.config.SourceName;
import io.orgsync.config.SourceSettings;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The names the route files use — template ids, route ids, {@code {{vendor}}}, {@code {{normaliser}}},
 * {@code {{fetchPool}}}, {@code {{studentsInOrder}}} — and the beans bound under them, for every
 * source's own tenant and a named one. The YAML routes only run with exactly these.
 */
class TenantBeansAndRoutesTest {

    private static final Map<String, String> KEYS = Map.of(
            "orgsync.sources", "wecom,wecom-school,feishu,wuhan-edu",
            "orgsync.wecom.corp-id", "ww-company",
            "orgsync.wecom.corp-secret", "wecom-s3cret",
            "orgsync.wecom-school.corp-id", "ww-school",
            "orgsync.wecom-school.corp-secret", "school-s3cret",
            "orgsync.feishu.app-id", "cli_feishu",
            "orgsync.feishu.app-secret", "feishu-s3cret",
            "orgsync.wuhan-edu.app-id", "wuhan-app",
            "orgsync.wuhan-edu.app-key", "wuhan-s3cret",
            "orgsync.wuhan-edu.top-org-id", "school-top");

    private static OrgSyncSettings settings(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(KEYS);
        values.putAll(extra);
        return OrgSyncSettings.load(key -> Optional.ofNullable(values.get(key)));
    }

    /** template | route id | node id prefix | parameters, one line per route. */
    private static List<String> described(SourceSettings tenant) {
        return TenantRoutes.syncRoute(tenant, "direct:publish-here").routes().stream()
                .map(r -> r.template() + " | " + r.routeId() + " | " + r.prefixId() + " | "
                        + new java.util.TreeMap<>(r.parameters()))
                .toList();
    }

    @Test
    void eachSourcesOwnTenantKeepsItsRoutesAndParameters() {
        OrgSyncSettings settings = settings(Map.of());
        assertThat(described(settings.source(Sources.WECOM))).containsExactly(
                "wecom-sync-template | wecom-sync | null | {configured=wecom, fetchPool=wecomFetchPool, "
                        + "normaliser=wecomNormaliser, publish=direct:publish-here, route=wecom, vendor=https://qyapi.weixin.qq.com}",
                "wecom-token-template | wecom-token | null | {route=wecom, vendor=https://qyapi.weixin.qq.com}",
                "wecom-department-members-template | wecom-department-members | null | "
                        + "{normaliser=wecomNormaliser, route=wecom, vendor=https://qyapi.weixin.qq.com}");
        assertThat(described(settings.source(Sources.WECOM_SCHOOL))).containsExactly(
                "wecom-school-sync-template | wecom-school-sync | null | {configured=wecom-school, "
                        + "fetchPool=wecomSchoolFetchPool, normaliser=wecomSchoolNormaliser, "
                        + "publish=direct:publish-here, rootDepartmentId=, route=wecom-school, "
                        + "studentsInOrder=wecomSchoolStudentsInOrder, vendor=https://qyapi.weixin.qq.com}",
                "wecom-school-token-template | wecom-school-token | null | {route=wecom-school, vendor=https://qyapi.weixin.qq.com}");
        assertThat(described(settings.source(Sources.FEISHU))).containsExactly(
                "feishu-sync-template | feishu-sync | null | {configured=feishu, "
                        + "fetchPool=feishuFetchPool, normaliser=feishuNormaliser, publish=direct:publish-here, "
                        + "route=feishu, vendor=https://open.feishu.cn}",
                "feishu-token-template | feishu-token | null | {route=feishu, vendor=https://open.feishu.cn}");
        assertThat(described(settings.source(Sources.WUHAN_EDU))).containsExactly(
                "wuhan-edu-sync-template | wuhan-edu-sync | null | {configured=wuhan-edu, "
                        + "fetchPool=wuhanEduFetchPool, membersInOrder=wuhanEduMembersInOrder, "
                        + "normaliser=wuhanEduNormaliser, parentsInOrder=wuhanEduParentsInOrder, "
                        + "publish=direct:publish-here, rootDepartmentId=, "
                        + "route=wuhan-edu, topOrgId=school-top, vendor=https://api.wuhaneduyun.cn}",
                "wuhan-edu-token-template | wuhan-edu-token | null | {route=wuhan-edu, vendor=https://api.wuhaneduyun.cn}");
    }

    @Test
    void aCustomRootReachesTheRoutesThatAskForIt() {
        OrgSyncSettings settings = settings(Map.of("orgsync.wecom-school.root-department-id", "7",
                "orgsync.wuhan-edu.root-department-id", "grade-1", "orgsync.feishu.root-department-id", "od-1"));
        assertThat(described(settings.source(Sources.WECOM_SCHOOL)).get(0)).contains("rootDepartmentId=7,");
        assertThat(described(settings.source(Sources.WUHAN_EDU)).get(0)).contains("rootDepartmentId=grade-1,");
        assertThat(described(settings.source(Sources.FEISHU)).get(0)).doesNotContain("rootDepartmentId");
    }

    @Test
    void aNamedTenantsRoutesAndBeansAreItsOwn() {
        OrgSyncSettings settings = settings(Map.of("orgsync.tenants", "east",
                "orgsync.tenants.east.source", "wecom",
                "orgsync.tenants.east.corp-id", "ww-east",
                "orgsync.tenants.east.corp-secret", "east-s3cret"));
        assertThat(described(settings.tenants().get("east"))).containsExactly(
                "wecom-sync-template | tenant-east-sync | tenant-east- | "
                        + "{configured=tenants.east, fetchPool=tenants.east.fetchPool, "
                        + "normaliser=tenants.east.normaliser, publish=direct:publish-here, route=tenant-east, "
                        + "vendor=https://qyapi.weixin.qq.com}",
                "wecom-token-template | tenant-east-token | tenant-east- | {route=tenant-east, vendor=https://qyapi.weixin.qq.com}",
                "wecom-department-members-template | tenant-east-department-members | tenant-east- | "
                        + "{normaliser=tenants.east.normaliser, route=tenant-east, vendor=https://qyapi.weixin.qq.com}");
    }

    @ParameterizedTest
    @MethodSource("io.orgsync.Sources#all")
    void bindTenantBindsTheBeansItsRoutesName(SourceName name) throws Exception {
        OrgSyncSettings settings = settings(Map.of());
        SourceSettings tenant = settings.source(name);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            new OrgSyncConfiguration(settings, Clock.systemUTC()).bindTenant(context, tenant);
            Map<String, String> bound = new LinkedHashMap<>();
            for (String kind : List.of("Connection", "Normaliser", "FetchPool", "StudentsInOrder",
                    "MembersInOrder", "ParentsInOrder")) {
                Object bean = context.getRegistry().lookupByName(OrgSyncConfiguration.beanName(tenant, kind));
                if (bean != null) {
                    bound.put(kind, bean.getClass().getSimpleName());
                }
            }
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("Connection", "VendorConnection");
            expected.put("Normaliser", switch (name.id()) {
                case "wecom" -> "WecomNormaliser";
                case "wecom-school" -> "WecomSchoolNormaliser";
                case "feishu" -> "FeishuNormaliser";
                case "wuhan-edu" -> "WuhanNormaliser";
                default -> throw new IllegalArgumentException("no case for source " + name.id());
            });
            assertThat(new TreeSet<>(bound.keySet())).containsExactlyElementsOf(new TreeSet<>(switch (name.id()) {
                case "wecom", "feishu" -> List.of("Connection", "Normaliser", "FetchPool");
                case "wecom-school" -> List.of("Connection", "Normaliser", "FetchPool", "StudentsInOrder");
                case "wuhan-edu" -> List.of("Connection", "Normaliser", "FetchPool", "MembersInOrder", "ParentsInOrder");
                default -> throw new IllegalArgumentException("no case for source " + name.id());
            }));
            assertThat(bound).containsAllEntriesOf(expected);
            if (name == Sources.WECOM_SCHOOL) {
                assertThat(bound).containsEntry("StudentsInOrder", "InSplitOrder");
            }
            if (name == Sources.WUHAN_EDU) {
                assertThat(bound).containsEntry("MembersInOrder", "InSplitOrder").containsEntry("ParentsInOrder",
                        "InSplitOrder");
            }
        }
    }
}
