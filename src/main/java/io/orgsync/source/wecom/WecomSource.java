package io.orgsync.source.wecom;

import io.orgsync.config.SettingsReader;
import io.orgsync.config.SourceSettings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** WeCom contacts ({@code wecom}): a company's departments and members. */
public final class WecomSource implements WecomPlatform {

    private static final Pattern DEPARTMENT_MODES = Pattern.compile("auto|list|simplelist");
    private static final Pattern MEMBER_MODES = Pattern.compile("auto|list|list_id");
    private static final String AUTO = "auto";

    @Override
    public String id() {
        return WecomNormaliser.SOURCE;
    }

    @Override
    public String defaultRootDepartmentId() {
        return WecomNormaliser.VENDOR_ROOT;
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
