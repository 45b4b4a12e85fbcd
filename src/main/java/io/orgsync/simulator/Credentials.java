package io.orgsync.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a client needs to log in to each simulated vendor. WeCom school and corporate contacts
 * default to the same corp id with different secrets, as in a real corp where both apps live.
 */
public record Credentials(
        String wecomCorpId,
        String wecomCorpSecret,
        String wecomSchoolCorpId,
        String wecomSchoolCorpSecret,
        String feishuAppId,
        String feishuAppSecret,
        String wuhanAppId,
        String wuhanAppKey,
        String wuhanTopOrgId) {

    public static final String DEFAULT_WECOM_CORP_ID = "ww5f3c9a1e7b2d4068";
    public static final String DEFAULT_WECOM_CORP_SECRET = "sim-contacts-secret-Qm9yZ1N5bmNDb250YWN0cw";
    public static final String DEFAULT_WECOM_SCHOOL_CORP_SECRET = "sim-school-secret-U2Nob29sQ29udGFjdHNBcHA";
    public static final String DEFAULT_FEISHU_APP_ID = "cli_a5f3c9a1e7b2d406";
    public static final String DEFAULT_FEISHU_APP_SECRET = "simFeishuSecret7hQ2xV9kLmN4pR8tW3yZ";
    public static final String DEFAULT_WUHAN_APP_ID = "5a1e7b2d40685f3c9a1e7b2d40685f3c";
    public static final String DEFAULT_WUHAN_APP_KEY = "sim-wuhan-app-key-6f1d2c3b4a59";

    /** Defaults; the Wuhan top org id is the generated school's own id, so it depends on the seed. */
    static Credentials defaults(String wuhanTopOrgId) {
        return new Credentials(DEFAULT_WECOM_CORP_ID, DEFAULT_WECOM_CORP_SECRET, DEFAULT_WECOM_CORP_ID,
                DEFAULT_WECOM_SCHOOL_CORP_SECRET, DEFAULT_FEISHU_APP_ID, DEFAULT_FEISHU_APP_SECRET,
                DEFAULT_WUHAN_APP_ID, DEFAULT_WUHAN_APP_KEY, wuhanTopOrgId);
    }

    /**
     * What a client configures to log in to the simulated vendor a source reads, by key suffix
     * ({@code corp-id} for {@code orgsync.wecom.corp-id}); empty for a source the simulator does
     * not speak.
     */
    public Map<String, String> settingsFor(String sourceId) {
        return switch (sourceId) {
            case "wecom" -> ordered("corp-id", wecomCorpId, "corp-secret", wecomCorpSecret);
            case "wecom-school" -> ordered("corp-id", wecomSchoolCorpId, "corp-secret", wecomSchoolCorpSecret);
            case "feishu" -> ordered("app-id", feishuAppId, "app-secret", feishuAppSecret);
            case "wuhan-edu" -> ordered("app-id", wuhanAppId, "app-key", wuhanAppKey, "top-org-id", wuhanTopOrgId);
            default -> Map.of();
        };
    }

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    /** Secrets stay out of toString so a test failure or log line never prints them. */
    @Override
    public String toString() {
        return "Credentials[wecomCorpId=" + wecomCorpId + ", wecomSchoolCorpId=" + wecomSchoolCorpId
                + ", feishuAppId=" + feishuAppId + ", wuhanAppId=" + wuhanAppId + ", wuhanTopOrgId=" + wuhanTopOrgId
                + ", secrets=***]";
    }
}
