package io.orgsync.source.wuhan;

import io.orgsync.config.SourceSettings;
import io.orgsync.source.SourceDefinition;
import io.orgsync.source.VendorDialect;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Wuhan Education Cloud ({@code wuhan-edu}): one school's orgs, teachers, students and parents
 * under its top org.
 */
public final class WuhanEduSource implements SourceDefinition {

    private static final String TOP_ORG_ID = "top-org-id";

    @Override
    public String id() {
        return WuhanNormaliser.SOURCE;
    }

    @Override
    public String defaultBaseUrl() {
        return "https://api.wuhaneduyun.cn";
    }

    /** The school itself: its top org. */
    @Override
    public String defaultRootDepartmentId() {
        return null;
    }

    /** Wuhan documents no limit ("请求数限制: 否"); 20/s paces it anyway, gently. */
    @Override
    public int defaultPerSecond() {
        return 20;
    }

    @Override
    public int defaultPerMinute() {
        return 1_200;
    }

    /** Without its top org no listing can be asked for: it is as required as the app's own. */
    /** The token in answers and queries, the signed key info of the token request; the key and the Kamelet property. */
    @Override
    public Set<String> secretNames() {
        return Set.of("accessToken", "keyInfo", "app_key", "app-key", "appKey", "appkey");
    }

    @Override
    public List<String> credentialKeys() {
        return List.of("app-id", "app-key", TOP_ORG_ID);
    }

    @Override
    public String tenantCredential() {
        return TOP_ORG_ID;
    }

    @Override
    public VendorDialect dialect(SourceSettings tenant, Clock clock) {
        return new WuhanDialect(tenant.prefix(), tenant.credential("app-id"), tenant.credential("app-key"), clock);
    }

    @Override
    public Map<String, Object> beans(SourceSettings tenant) {
        WuhanNormaliser normaliser = new WuhanNormaliser(tenant.credential(TOP_ORG_ID), tenant.rootDepartmentId(),
                tenant.key(""));
        Map<String, Object> beans = new LinkedHashMap<>();
        beans.put("Normaliser", normaliser);
        beans.put("MembersInOrder", normaliser.membersInPageOrder());
        beans.put("ParentsInOrder", normaliser.parentsInPageOrder());
        return beans;
    }

    @Override
    public Map<String, String> syncParameters(SourceSettings tenant, UnaryOperator<String> beanName) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("topOrgId", tenant.credential(TOP_ORG_ID));
        parameters.put("rootDepartmentId", tenant.customRootDepartmentId());
        parameters.put("membersInOrder", beanName.apply("MembersInOrder"));
        parameters.put("parentsInOrder", beanName.apply("ParentsInOrder"));
        return parameters;
    }
}
