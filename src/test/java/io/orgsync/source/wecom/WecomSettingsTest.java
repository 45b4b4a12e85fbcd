package io.orgsync.source.wecom;

import io.orgsync.Sources;
import io.orgsync.config.ConfigurationException;
import io.orgsync.config.OrgSyncSettings;
import io.orgsync.config.SourceName;
import io.orgsync.config.SourceSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** orgsync.wecom.department-mode and member-mode: defaults, allowed values, exit-2 errors naming the key. */
class WecomSettingsTest {

    private final Map<String, String> values = new HashMap<>(Map.of(
            "orgsync.sources", "wecom",
            "orgsync.wecom.corp-id", "ww123",
            "orgsync.wecom.corp-secret", "s3cret-value"));

    private SourceSettings wecom() {
        return OrgSyncSettings.load(key -> Optional.ofNullable(values.get(key))).source(Sources.WECOM);
    }

    @Test
    void bothModesDefaultToAutoAndTheRootToOne() {
        SourceSettings wecom = wecom();
        assertThat(wecom.option("department-mode", null)).isEqualTo("auto");
        assertThat(wecom.option("member-mode", null)).isEqualTo("auto");
        assertThat(wecom.rootDepartmentId()).isEqualTo("1");
        assertThat(wecom.maxRequestsPerSecond()).isEqualTo(100);
        assertThat(wecom.maxRequestsPerMinute()).isEqualTo(10_000);
    }

    @ParameterizedTest
    @CsvSource({"department-mode,list,LIST", "department-mode,simplelist,SIMPLELIST",
            "member-mode,list,LIST", "member-mode,list_id,LIST_ID"})
    void everyAllowedValueIsAccepted(String key, String value, String mode) {
        values.put("orgsync.wecom." + key, value);
        String setting = wecom().option(key, null);
        assertThat(key.equals("department-mode") ? WecomPlan.DepartmentMode.of(setting).name()
                : WecomPlan.MemberMode.of(setting).name()).isEqualTo(mode);
    }

    @ParameterizedTest
    @CsvSource({"department-mode,simple", "department-mode,list_id", "member-mode,simplelist", "member-mode,ids"})
    void anythingElseIsAConfigurationErrorNamingTheKey(String key, String value) {
        values.put("orgsync.wecom." + key, value);
        assertThatThrownBy(this::wecom).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.key()).isEqualTo("orgsync.wecom." + key));
    }

    @Test
    void aBadModeIsFoundEvenWhenWecomIsNotEnabled() {
        values.put("orgsync.sources", "wecom-school");
        values.put("orgsync.wecom-school.corp-id", "ww1");
        values.put("orgsync.wecom-school.corp-secret", "x");
        values.put("orgsync.wecom.member-mode", "sometimes");
        assertThatThrownBy(this::wecom).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("orgsync.wecom.member-mode");
    }
}
