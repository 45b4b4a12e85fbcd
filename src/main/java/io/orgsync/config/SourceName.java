package io.orgsync.config;

import java.util.Arrays;
import java.util.Optional;

/** The {@code orgsync.sources} names, with each vendor's defaults. */
public enum SourceName {
    WECOM("wecom", "https://qyapi.weixin.qq.com", "1", 100, 10_000, "corp-id", "corp-secret"),
    WECOM_SCHOOL("wecom-school", "https://qyapi.weixin.qq.com", "1", 100, 10_000, "corp-id", "corp-secret"),
    FEISHU("feishu", "https://open.feishu.cn", "0", 50, 1_000, "app-id", "app-secret"),
    // Wuhan documents no limit ("请求数限制: 否"); 20/s paces it anyway, gently
    WUHAN_EDU("wuhan-edu", "https://api.wuhaneduyun.cn", null, 20, 1_200, "app-id", "app-key");

    private final String id;
    private final String defaultBaseUrl;
    private final String defaultRootDepartmentId;
    private final int defaultPerSecond;
    private final int defaultPerMinute;
    private final String idKey;
    private final String secretKey;

    SourceName(String id, String defaultBaseUrl, String defaultRootDepartmentId, int defaultPerSecond,
               int defaultPerMinute, String idKey, String secretKey) {
        this.id = id;
        this.defaultBaseUrl = defaultBaseUrl;
        this.defaultRootDepartmentId = defaultRootDepartmentId;
        this.defaultPerSecond = defaultPerSecond;
        this.defaultPerMinute = defaultPerMinute;
        this.idKey = idKey;
        this.secretKey = secretKey;
    }

    public String id() {
        return id;
    }

    public String key(String suffix) {
        return "orgsync." + id + "." + suffix;
    }

    public String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    /** {@code null} for Wuhan, whose root is the configured top org. */
    public String defaultRootDepartmentId() {
        return defaultRootDepartmentId;
    }

    public int defaultPerSecond() {
        return defaultPerSecond;
    }

    public int defaultPerMinute() {
        return defaultPerMinute;
    }

    /**
     * The most requests in flight at once during a run: a ceiling. The client keeps as many in
     * flight as the per-second pace fills over the measured round trip, and two more; the ceiling
     * only decides how slow a vendor can be before the pace is lost. WeCom's 100 a second over a
     * slow 200 ms take 22, so 32 keeps the pace up to 300 ms; Feishu's 50 a second, 16 up to 280 ms.
     * A nearby vendor never sees that many: WeCom's 45033 cap on concurrent calls is
     * unpublished, and the fewer asked of it the better. Wuhan pages by number through one listing,
     * and its notes ask for one request in flight per school: it has no such setting.
     */
    public int defaultConcurrency() {
        return switch (this) {
            case WECOM, WECOM_SCHOOL -> 32;
            case FEISHU -> 16;
            case WUHAN_EDU -> 1;
        };
    }

    /** The credential key that names the app or corp, e.g. {@code corp-id}. */
    public String idKey() {
        return idKey;
    }

    /** The credential key that holds the secret, e.g. {@code corp-secret}. */
    public String secretKey() {
        return secretKey;
    }

    public static Optional<SourceName> of(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }
}
