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

/**
 * Each source's keys as operators have always set them, pinned through {@link OrgSyncSettings}
 * rather than through the source definitions, so that moving what a source knows between classes
 * cannot change what a setting means.
 */
class SourceKeysTest {

    private final Map<String, String> values = new HashMap<>(Map.of(
            "orgsync.sources", "wecom,wecom-school,feishu,wuhan-edu",
            "orgsync.wecom.corp-id", "ww-company",
            "orgsync.wecom.corp-secret", "wecom-s3cret",
            "orgsync.wecom-school.corp-id", "ww-school",
            "orgsync.wecom-school.corp-secret", "school-s3cret",
            "orgsync.feishu.app-id", "cli_feishu",
            "orgsync.feishu.app-secret", "feishu-s3cret",
            "orgsync.wuhan-edu.app-id", "wuhan-app",
            "orgsync.wuhan-edu.app-key", "wuhan-s3cret"));

    {
        values.put("orgsync.wuhan-edu.top-org-id", "school-top");
    }

    private OrgSyncSettings load() {
        return OrgSyncSettings.load(key -> Optional.ofNullable(values.get(key)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "wecom|https://qyapi.weixin.qq.com|1|100|10000|16|ww-company|department-mode=auto,member-mode=auto",
            "wecom-school|https://qyapi.weixin.qq.com|1|100|10000|16|ww-school|",
            "feishu|https://open.feishu.cn|0|50|1000|16|cli_feishu|"
                    + "department-id-type=open_department_id,user-id-type=open_id",
            "wuhan-edu|https://api.wuhaneduyun.cn|null|20|1200|16|school-top|",
    })
    void eachSourceHasItsDefaults(String id, String baseUrl, String root, int perSecond, int perMinute,
                                  int concurrency, String tenant, String options) {
        SourceSettings source = load().source(SourceName.of(id).orElseThrow());
        assertThat(source.baseUrl()).hasToString(baseUrl);
        assertThat(source.rootDepartmentId()).isEqualTo(root);
        assertThat(source.maxRequestsPerSecond()).isEqualTo(perSecond);
        assertThat(source.maxRequestsPerMinute()).isEqualTo(perMinute);
        assertThat(source.concurrency()).isEqualTo(concurrency);
        assertThat(source.tenant()).isEqualTo(tenant);
        Map<String, String> expected = new HashMap<>();
        if (options != null) {
            for (String option : options.split(",")) {
                expected.put(option.substring(0, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
            }
        }
        assertThat(source.options()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "orgsync.wecom.corp-id", "orgsync.wecom.corp-secret",
            "orgsync.wecom-school.corp-id", "orgsync.wecom-school.corp-secret",
            "orgsync.feishu.app-id", "orgsync.feishu.app-secret",
            "orgsync.wuhan-edu.app-id", "orgsync.wuhan-edu.app-key", "orgsync.wuhan-edu.top-org-id",
    })
    void everyCredentialOfAnEnabledSourceIsRequired(String key) {
        values.remove(key);
        String id = key.split("\\.")[1];
        assertThatThrownBy(this::load).hasMessage(key + ": missing; '" + id + "' is listed in orgsync.sources and "
                + "needs it (set it, or the environment variable " + OrgSyncSettings.envName(key) + ")");
    }

    @Test
    void concurrencyIsReadForEverySource() {
        for (String id : new String[] {"wecom", "wecom-school", "feishu", "wuhan-edu"}) {
            values.put("orgsync." + id + ".concurrency", "7");
        }
        OrgSyncSettings settings = load();
        assertThat(settings.source(Sources.WECOM).concurrency()).isEqualTo(7);
        assertThat(settings.source(Sources.WECOM_SCHOOL).concurrency()).isEqualTo(7);
        assertThat(settings.source(Sources.FEISHU).concurrency()).isEqualTo(7);
        assertThat(settings.source(Sources.WUHAN_EDU).concurrency()).isEqualTo(7);
        values.put("orgsync.feishu.concurrency", "65");
        assertThatThrownBy(this::load).hasMessage("orgsync.feishu.concurrency: '65' is not a whole number from 1 to 64");
    }

    @Test
    void aWuhanTopOrgThatCannotBeAFolderNameIsNamedByItsKey() {
        values.put("orgsync.wuhan-edu.top-org-id", "top/org");
        assertThatThrownBy(this::load).hasMessageStartingWith("orgsync.wuhan-edu.top-org-id: 'top/org' cannot serve "
                + "as tenant");
    }

    @Test
    void theOptionsOfEachSourceAreValidated() {
        values.put("orgsync.wecom.member-mode", "all");
        assertThatThrownBy(this::load).hasMessage("orgsync.wecom.member-mode: 'all' is not one of auto, list, list_id");
        values.remove("orgsync.wecom.member-mode");
        values.put("orgsync.wecom.department-mode", "tree");
        assertThatThrownBy(this::load)
                .hasMessage("orgsync.wecom.department-mode: 'tree' is not one of auto, list, simplelist");
        values.remove("orgsync.wecom.department-mode");
        values.put("orgsync.feishu.department-id-type", "id");
        assertThatThrownBy(this::load)
                .hasMessage("orgsync.feishu.department-id-type: 'id' is not one of open_department_id, department_id");
    }

    @Test
    void messagesListTheKnownSources() {
        values.put("orgsync.sources", "wecom,dingtalk");
        assertThatThrownBy(this::load).hasMessage("orgsync.sources: unknown source 'dingtalk' (known: wecom, "
                + "wecom-school, feishu, wuhan-edu)");
        values.put("orgsync.sources", "");
        assertThatThrownBy(this::load).hasMessage("orgsync.sources: no source enabled (list one or more of wecom, "
                + "wecom-school, feishu, wuhan-edu, or name tenants in orgsync.tenants)");
        values.put("orgsync.tenants", "east");
        assertThatThrownBy(this::load).hasMessage("orgsync.tenants.east.source: missing; tenant 'east' is listed in "
                + "orgsync.tenants and needs its vendor (wecom, wecom-school, feishu, wuhan-edu)");
        values.put("orgsync.tenants.east.source", "lark");
        assertThatThrownBy(this::load).hasMessage("orgsync.tenants.east.source: unknown source 'lark' (known: wecom, "
                + "wecom-school, feishu, wuhan-edu)");
    }
}
