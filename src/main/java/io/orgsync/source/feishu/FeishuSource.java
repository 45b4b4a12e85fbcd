package io.orgsync.source.feishu;

import io.orgsync.config.SettingsReader;
import io.orgsync.config.SourceSettings;
import io.orgsync.source.SourceDefinition;
import io.orgsync.source.VendorDialect;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** Feishu / Lark contact v3 ({@code feishu}): a tenant's departments and employees. */
public final class FeishuSource implements SourceDefinition {

    private static final Pattern DEPARTMENT_ID_TYPES = Pattern.compile("open_department_id|department_id");
    private static final Pattern USER_ID_TYPES = Pattern.compile("open_id|union_id|user_id");
    private static final String DEFAULT_DEPARTMENT_ID_TYPE = "open_department_id";
    private static final String DEFAULT_USER_ID_TYPE = "open_id";

    @Override
    public String id() {
        return FeishuNormaliser.SOURCE;
    }

    @Override
    public String defaultBaseUrl() {
        return "https://open.feishu.cn";
    }

    @Override
    public String defaultRootDepartmentId() {
        return FeishuNormaliser.VENDOR_ROOT;
    }

    @Override
    public int defaultPerSecond() {
        return 50;
    }

    @Override
    public int defaultPerMinute() {
        return 1_000;
    }

    /** The token answer's and request's JSON keys, Feishu's other token kinds; the key and the Kamelet property. */
    @Override
    public Set<String> secretNames() {
        return Set.of("tenant_access_token", "app_access_token", "user_access_token", "refresh_token", "app_secret",
                "app-secret", "appSecret");
    }

    @Override
    public List<String> credentialKeys() {
        return List.of("app-id", "app-secret");
    }

    /** The id types every id of a run is asked in: a tenant's downstream systems may know only one. */
    @Override
    public Map<String, String> options(SettingsReader in, UnaryOperator<String> key) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("department-id-type", in.matching(key.apply("department-id-type"), DEFAULT_DEPARTMENT_ID_TYPE,
                DEPARTMENT_ID_TYPES));
        options.put("user-id-type", in.matching(key.apply("user-id-type"), DEFAULT_USER_ID_TYPE, USER_ID_TYPES));
        return options;
    }

    @Override
    public VendorDialect dialect(SourceSettings tenant, Clock clock) {
        return new FeishuDialect(tenant.prefix(), tenant.credential("app-id"), tenant.credential("app-secret"), clock);
    }

    @Override
    public Map<String, Object> beans(SourceSettings tenant) {
        return Map.of("Normaliser", new FeishuNormaliser(tenant.rootDepartmentId(),
                tenant.option("department-id-type", DEFAULT_DEPARTMENT_ID_TYPE),
                tenant.option("user-id-type", DEFAULT_USER_ID_TYPE), tenant.key("root-department-id")));
    }
}
