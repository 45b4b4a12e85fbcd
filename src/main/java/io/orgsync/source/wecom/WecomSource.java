package io.orgsync.source.wecom;

import io.orgsync.config.SettingsReader;
import io.orgsync.config.SourceSettings;
import io.orgsync.source.SourceDefinition;
import io.orgsync.source.VendorDialect;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** WeCom contacts ({@code wecom}): a company's departments and members. */
public final class WecomSource implements SourceDefinition {

    private static final Pattern DEPARTMENT_MODES = Pattern.compile("auto|list|simplelist");
    private static final Pattern MEMBER_MODES = Pattern.compile("auto|list|list_id");
    private static final String AUTO = "auto";

    @Override
    public String id() {
        return WecomNormaliser.SOURCE;
    }

    @Override
    public String defaultBaseUrl() {
        return "https://qyapi.weixin.qq.com";
    }

    @Override
    public String defaultRootDepartmentId() {
        return WecomNormaliser.VENDOR_ROOT;
    }

    @Override
    public int defaultPerSecond() {
        return 100;
    }

    @Override
    public int defaultPerMinute() {
        return 10_000;
    }

    /**
     * 100 calls a second over a slow 100 ms take 12 in flight: 16 keeps the pace up to 140 ms. More
     * cost a nearby vendor's runs: with 32, answers mapped on 36 threads at once took a 100,000-member
     * run without a rate limit from 28,659 to 10,452 records a second on two cores. A
     * nearby vendor never sees that many; WeCom's cap on concurrent calls (45033) is unpublished,
     * and each 45033 takes one away for the rest of the run.
     */
    @Override
    public int defaultConcurrency() {
        return 16;
    }

    @Override
    public List<String> credentialKeys() {
        return List.of("corp-id", "corp-secret");
    }

    /** Which listing APIs a run uses: {@link WecomPlan} says why each exists. */
    @Override
    public Map<String, String> options(SettingsReader in, UnaryOperator<String> key) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("department-mode", in.matching(key.apply("department-mode"), AUTO, DEPARTMENT_MODES));
        options.put("member-mode", in.matching(key.apply("member-mode"), AUTO, MEMBER_MODES));
        return options;
    }

    @Override
    public VendorDialect dialect(SourceSettings tenant, Clock clock) {
        return new WecomDialect(tenant.prefix(), tenant.credential("corp-id"), tenant.credential("corp-secret"), clock);
    }

    @Override
    public Map<String, Object> beans(SourceSettings tenant) {
        return Map.of("Normaliser", new WecomNormaliser(tenant.rootDepartmentId(),
                WecomPlan.DepartmentMode.of(tenant.option("department-mode", AUTO)),
                WecomPlan.MemberMode.of(tenant.option("member-mode", AUTO)), tenant.key("")));
    }

    /** A department's members are fetched by a route of their own, which the sync's split calls. */
    @Override
    public List<String> helperRoutes() {
        return List.of("department-members");
    }
}
