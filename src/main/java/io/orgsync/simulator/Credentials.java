package io.orgsync.simulator;

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

    /** Secrets stay out of toString so a test failure or log line never prints them. */
    @Override
    public String toString() {
        return "Credentials[wecomCorpId=" + wecomCorpId + ", wecomSchoolCorpId=" + wecomSchoolCorpId
                + ", feishuAppId=" + feishuAppId + ", wuhanAppId=" + wuhanAppId + ", wuhanTopOrgId=" + wuhanTopOrgId
                + ", secrets=***]";
    }
}
