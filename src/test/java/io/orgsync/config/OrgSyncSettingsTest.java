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

class OrgSyncSettingsTest {

    private final Map<String, String> values = new HashMap<>(Map.of(
            "orgsync.sources", "wecom-school",
            "orgsync.wecom-school.corp-id", "ww123",
            "orgsync.wecom-school.corp-secret", "s3cret-value"));

    private OrgSyncSettings load() {
        return OrgSyncSettings.load(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void defaultsFollowTheContract() {
        OrgSyncSettings settings = load();
        SourceSettings school = settings.source(Sources.WECOM_SCHOOL);
        assertThat(school.baseUrl()).hasToString("https://qyapi.weixin.qq.com");
        assertThat(school.tenant()).isEqualTo("ww123");
        assertThat(school.schedule()).isEqualTo("0 0 2 * * ?");
        assertThat(school.maxRequestsPerSecond()).isEqualTo(100);
        assertThat(school.maxRequestsPerMinute()).isEqualTo(10_000);
        assertThat(school.rootDepartmentId()).isEqualTo("1");
        assertThat(settings.source(Sources.FEISHU).maxRequestsPerSecond()).isEqualTo(50);
        assertThat(settings.source(Sources.FEISHU).maxRequestsPerMinute()).isEqualTo(1_000);
        assertThat(settings.source(Sources.FEISHU).option("department-id-type", null))
                .isEqualTo("open_department_id");
        assertThat(settings.source(Sources.WUHAN_EDU).maxRequestsPerSecond()).isEqualTo(20);
        assertThat(settings.sinks()).containsExactly("file");
        assertThat(settings.deletesMaxPercent()).isEqualTo(20);
        assertThat(settings.deletesMaxCount()).isEqualTo(500);
        assertThat(settings.fileKeepRuns()).isEqualTo(30);
    }

    @Test
    void keepRunsZeroKeepsEveryRunAndIsAccepted() {
        values.put("orgsync.file.keep-runs", "0");
        assertThat(load().fileKeepRuns()).isZero();
        values.put("orgsync.file.keep-runs", " 7 ");
        assertThat(load().fileKeepRuns()).isEqualTo(7);
    }

    @Test
    void aBaseUrlKeepsItsProxyPrefix() {
        values.put("orgsync.wecom-school.base-url", "http://gateway.local/wecom");
        assertThat(load().source(Sources.WECOM_SCHOOL).baseUrl()).hasToString("http://gateway.local/wecom");
    }

    @ParameterizedTest(name = "{0}={1} names {2}")
    @CsvSource(delimiter = '|', value = {
            "orgsync.sources|wecom-school,dingtalk|orgsync.sources",
            "orgsync.sources|''|orgsync.sources",
            "orgsync.wecom-school.corp-secret|''|orgsync.wecom-school.corp-secret",
            "orgsync.wecom-school.corp-id|''|orgsync.wecom-school.corp-id",
            "orgsync.schedule|every night|orgsync.schedule",
            "orgsync.feishu.schedule|0 0 25 * * ?|orgsync.feishu.schedule",
            "orgsync.wuhan-edu.base-url|ftp://api.example|orgsync.wuhan-edu.base-url",
            "orgsync.wecom-school.base-url|not a url|orgsync.wecom-school.base-url",
            "orgsync.wecom-school.base-url|https://host/x?token=1|orgsync.wecom-school.base-url",
            "orgsync.wecom-school.tenant|../etc|orgsync.wecom-school.tenant",
            "orgsync.wecom-school.max-requests-per-second|0|orgsync.wecom-school.max-requests-per-second",
            "orgsync.wecom-school.max-requests-per-minute|lots|orgsync.wecom-school.max-requests-per-minute",
            "orgsync.sinks|file,ftp|orgsync.sinks",
            "orgsync.file.formats|jsonl,xml|orgsync.file.formats",
            "orgsync.file.keep-runs|-1|orgsync.file.keep-runs",
            "orgsync.file.keep-runs|thirty|orgsync.file.keep-runs",
            "orgsync.file.keep-runs|2.5|orgsync.file.keep-runs",
            "orgsync.deletes.max-percent|120|orgsync.deletes.max-percent",
            "orgsync.deletes.force|yes|orgsync.deletes.force",
            "orgsync.feishu.user-id-type|email|orgsync.feishu.user-id-type",
            "orgsync.sinks|file,webhook|orgsync.webhook.url",
            "orgsync.webhook.url|ftp://receiver.example|orgsync.webhook.url",
            "orgsync.jdbc.url|jdbc:oracle:thin:@db:1521/x|orgsync.jdbc.url",
            "orgsync.jdbc.url|postgresql://db/orgsync|orgsync.jdbc.url",
    })
    void aBadValueNamesItsKey(String key, String value, String named) {
        values.put(key, value);
        assertThatThrownBy(this::load)
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.key()).isEqualTo(named);
                    assertThat(e.getMessage()).startsWith(named + ": ").doesNotContain("\n");
                });
    }

    @Test
    void aCorpIdThatCannotBeAFolderNameMustBeGivenATenant() {
        values.put("orgsync.wecom-school.corp-id", "corp/with/slashes");
        assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.getMessage()).contains("orgsync.wecom-school.tenant"));
        values.put("orgsync.wecom-school.tenant", "school-a");
        assertThat(load().source(Sources.WECOM_SCHOOL).tenant()).isEqualTo("school-a");
    }

    @Test
    void missingCredentialsOfADisabledSourceAreFine() {
        assertThat(load().enabledSources()).containsExactly(Sources.WECOM_SCHOOL);
    }

    @Test
    void messagesNeverCarryTheSecret() {
        values.put("orgsync.wecom-school.schedule", "bogus");
        assertThatThrownBy(this::load).hasMessageNotContaining("s3cret-value");
    }

    @Test
    void theDatabaseDefaultsToEmbeddedH2UnderData() {
        JdbcSettings jdbc = load().jdbc();
        assertThat(jdbc.url()).startsWith("jdbc:h2:file:./data/");
        assertThat(jdbc.username()).isEmpty();
        assertThat(jdbc.password()).isEmpty();
    }

    @Test
    void jdbcIsAcceptedAsASinkAndTheDatabaseKeysAreRead() {
        values.put("orgsync.sinks", "file, jdbc");
        values.put("orgsync.jdbc.url", "jdbc:postgresql://db.example:5432/orgsync");
        values.put("orgsync.jdbc.username", "orgsync");
        values.put("orgsync.jdbc.password", "db-s3cret");
        OrgSyncSettings settings = load();
        assertThat(settings.sinks()).containsExactlyInAnyOrder("file", "jdbc");
        assertThat(settings.jdbc()).isEqualTo(new JdbcSettings("jdbc:postgresql://db.example:5432/orgsync", "orgsync",
                "db-s3cret"));
        assertThat(settings.jdbc().toString()).doesNotContain("db-s3cret");
    }

    @Test
    void aPasswordWrittenIntoTheUrlIsNeverShown() {
        values.put("orgsync.jdbc.url", "jdbc:mysql://orgsync:url-s3cret@db/x?password=url-s3cret&ssl=true");
        JdbcSettings jdbc = load().jdbc();
        assertThat(jdbc.redactedUrl()).isEqualTo("jdbc:mysql://orgsync:***@db/x?password=***&ssl=true");
        assertThat(jdbc.toString()).doesNotContain("url-s3cret");
        assertThat(jdbc.scrub("could not connect to " + jdbc.url())).doesNotContain("url-s3cret");

        values.put("orgsync.jdbc.url", "jdbc:sqlserver://db;password=url-s3cret");
        assertThatThrownBy(this::load).hasMessageStartingWith("orgsync.jdbc.url: ")
                .hasMessageNotContaining("url-s3cret");
    }

    @Test
    void environmentNamesFollowTheContract() {
        assertThat(OrgSyncSettings.envName("orgsync.feishu.base-url")).isEqualTo("ORGSYNC_FEISHU_BASE_URL");
        assertThat(OrgSyncSettings.envName("orgsync.wecom-school.corp-secret"))
                .isEqualTo("ORGSYNC_WECOM_SCHOOL_CORP_SECRET");
    }
}
