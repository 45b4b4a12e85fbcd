package io.orgsync.config;

import io.orgsync.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code orgsync.tenants} and each named tenant's {@code orgsync.tenants.<name>.*} keys. */
class TenantSettingsTest {

    private final Map<String, String> values = new HashMap<>(Map.of(
            "orgsync.sources", "wecom-school",
            "orgsync.wecom-school.corp-id", "ww123",
            "orgsync.wecom-school.corp-secret", "s3cret-value",
            "orgsync.tenants", "east, west",
            "orgsync.tenants.east.source", "feishu",
            "orgsync.tenants.east.app-id", "cli_east",
            "orgsync.tenants.east.app-secret", "east-s3cret",
            "orgsync.tenants.west.source", "wuhan-edu",
            "orgsync.tenants.west.app-id", "5a1e7b2d40685f3c9a1e7b2d40685f3c",
            "orgsync.tenants.west.app-key", "west-s3cret"));

    {
        values.put("orgsync.tenants.west.top-org-id", "0123456789abcdef0123456789abcdef");
    }

    private OrgSyncSettings load() {
        return OrgSyncSettings.load(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void aTenantMirrorsItsSourcesKeysWithTheSourcesDefaults() {
        OrgSyncSettings settings = load();
        assertThat(settings.tenants()).containsOnlyKeys("east", "west");
        SourceSettings east = settings.tenants().get("east");
        assertThat(east.name()).isEqualTo(Sources.FEISHU);
        assertThat(east.tenant()).as("the tenant's name, not the app id").isEqualTo("east");
        assertThat(east.credential("app-id")).isEqualTo("cli_east");
        assertThat(east.baseUrl()).hasToString("https://open.feishu.cn");
        assertThat(east.schedule()).isEqualTo(OrgSyncSettings.DEFAULT_SCHEDULE);
        assertThat(east.maxRequestsPerSecond()).isEqualTo(50);
        assertThat(east.rootDepartmentId()).isEqualTo("0");
        assertThat(east.option("user-id-type", null)).isEqualTo("open_id");
        assertThat(east.prefix()).isEqualTo("tenants.east");
        assertThat(east.key("app-secret")).isEqualTo("orgsync.tenants.east.app-secret");
        assertThat(east.routeName()).isEqualTo("tenant-east");
        assertThat(east.toString()).doesNotContain("east-s3cret");
        SourceSettings west = settings.tenants().get("west");
        assertThat(west.name()).isEqualTo(Sources.WUHAN_EDU);
        assertThat(west.credential("top-org-id")).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(settings.runnable()).extracting(SourceSettings::prefix)
                .containsExactly("wecom-school", "tenants.east", "tenants.west");
        assertThat(settings.byPrefix("tenants.west")).contains(west);
        assertThat(settings.byPrefix("wecom-school")).contains(settings.source(Sources.WECOM_SCHOOL));
        assertThat(settings.sourcesInUse()).containsExactly(Sources.WECOM_SCHOOL, Sources.FEISHU,
                Sources.WUHAN_EDU);
    }

    @Test
    void aTenantHasItsOwnScheduleBaseUrlRootAndLimits() {
        values.put("orgsync.schedule", "0 0 1 * * ?");
        values.put("orgsync.tenants.east.schedule", "0 15 4 * * ?");
        values.put("orgsync.tenants.east.base-url", "http://gateway.local/feishu-east");
        values.put("orgsync.tenants.east.root-department-id", "od-east");
        values.put("orgsync.tenants.east.max-requests-per-second", "7");
        values.put("orgsync.tenants.east.tenant", "east-campus");
        values.put("orgsync.feishu.schedule", "0 0 5 * * ?");
        OrgSyncSettings settings = load();
        SourceSettings east = settings.tenants().get("east");
        assertThat(east.schedule()).as("not the feishu source's own").isEqualTo("0 15 4 * * ?");
        assertThat(east.baseUrl()).hasToString("http://gateway.local/feishu-east");
        assertThat(east.rootDepartmentId()).isEqualTo("od-east");
        assertThat(east.maxRequestsPerSecond()).isEqualTo(7);
        assertThat(east.tenant()).isEqualTo("east-campus");
        assertThat(settings.tenants().get("west").schedule()).isEqualTo("0 0 1 * * ?");
    }

    @Test
    void tenantsAloneNeedNoSourceOfTheirOwn() {
        values.put("orgsync.sources", "");
        OrgSyncSettings settings = load();
        assertThat(settings.enabledSources()).isEmpty();
        assertThat(settings.runnable()).extracting(SourceSettings::prefix).containsExactly("tenants.east", "tenants.west");
    }

    @Test
    void noSourceAndNoTenantIsStillAnError() {
        values.put("orgsync.sources", "");
        values.put("orgsync.tenants", "");
        assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.key()).isEqualTo("orgsync.sources"));
    }

    @ParameterizedTest(name = "{0}={1} names {2}")
    @CsvSource(delimiter = '|', value = {
            "orgsync.tenants|east, we.st|orgsync.tenants",
            "orgsync.tenants|east, east|orgsync.tenants",
            "orgsync.tenants|east, west, north|orgsync.tenants.north.source",
            "orgsync.tenants.east.source|dingtalk|orgsync.tenants.east.source",
            "orgsync.tenants.east.source|''|orgsync.tenants.east.source",
            "orgsync.tenants.east.app-secret|''|orgsync.tenants.east.app-secret",
            "orgsync.tenants.east.app-id|''|orgsync.tenants.east.app-id",
            "orgsync.tenants.west.top-org-id|''|orgsync.tenants.west.top-org-id",
            "orgsync.tenants.east.schedule|0 0 25 * * ?|orgsync.tenants.east.schedule",
            "orgsync.tenants.east.base-url|ftp://open.feishu.cn|orgsync.tenants.east.base-url",
            "orgsync.tenants.east.tenant|../etc|orgsync.tenants.east.tenant",
            "orgsync.tenants.east.max-requests-per-minute|lots|orgsync.tenants.east.max-requests-per-minute",
            "orgsync.tenants.east.concurrency|0|orgsync.tenants.east.concurrency",
            "orgsync.tenants.east.user-id-type|email|orgsync.tenants.east.user-id-type",
            "orgsync.tenants.west.tenant|east|orgsync.tenants.west.tenant",
    })
    void aBadTenantValueNamesItsKey(String key, String value, String named) {
        values.put(key, value);
        if (key.equals("orgsync.tenants.west.tenant")) {
            // the same tenant under the same source: two runs would overwrite each other
            values.put("orgsync.tenants.west.source", "feishu");
            values.put("orgsync.tenants.west.app-secret", "west-s3cret");
        }
        assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigurationException.class, e -> {
            assertThat(e.key()).isEqualTo(named);
            assertThat(e.getMessage()).startsWith(named + ": ").doesNotContain("\n")
                    .doesNotContain("east-s3cret").doesNotContain("west-s3cret");
        });
    }

    @Test
    void aTenantMayNotTakeTheTenantOfAnEnabledSource() {
        values.put("orgsync.tenants.east.source", "wecom-school");
        values.put("orgsync.tenants.east.corp-id", "ww123");
        values.put("orgsync.tenants.east.corp-secret", "another-s3cret");
        values.put("orgsync.tenants.east.tenant", "ww123");
        assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigurationException.class, e -> {
            assertThat(e.key()).isEqualTo("orgsync.tenants.east.tenant");
            assertThat(e.getMessage()).contains("orgsync.wecom-school.*");
        });
    }

    @Test
    void twoCampusesOfOneCorpStayApartByDefault() {
        values.put("orgsync.tenants.east.source", "wecom-school");
        values.put("orgsync.tenants.east.corp-id", "ww123");
        values.put("orgsync.tenants.east.corp-secret", "s3cret-value");
        values.put("orgsync.tenants.east.root-department-id", "2");
        OrgSyncSettings settings = load();
        assertThat(settings.source(Sources.WECOM_SCHOOL).tenant()).isEqualTo("ww123");
        assertThat(settings.tenants().get("east").tenant()).isEqualTo("east");
    }
}
