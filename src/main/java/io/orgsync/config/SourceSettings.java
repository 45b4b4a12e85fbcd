package io.orgsync.config;

import java.net.URI;
import java.util.Map;

/**
 * One tenant's validated settings: the single tenant of a source's own keys
 * ({@code orgsync.feishu.*}, {@code tenantName} null) or a named tenant of {@code orgsync.tenants}
 * ({@code orgsync.tenants.<name>.*}). Both run from the same route template of their source.
 * {@link #toString()} leaves the secret out.
 *
 * @param credentials by key suffix ({@code corp-id}, {@code corp-secret}, {@code top-org-id}, …)
 * @param rootDepartmentId {@code null} means the source's own root
 * @param tenantName {@code null} for a source's own keys; otherwise the name in {@code orgsync.tenants}
 */
public record SourceSettings(
        SourceName name,
        URI baseUrl,
        Map<String, String> credentials,
        String tenant,
        String schedule,
        int maxRequestsPerSecond,
        int maxRequestsPerMinute,
        int concurrency,
        String rootDepartmentId,
        Map<String, String> options,
        String tenantName) {

    public SourceSettings(SourceName name, URI baseUrl, Map<String, String> credentials, String tenant,
                          String schedule, int maxRequestsPerSecond, int maxRequestsPerMinute, int concurrency,
                          String rootDepartmentId, Map<String, String> options) {
        this(name, baseUrl, credentials, tenant, schedule, maxRequestsPerSecond, maxRequestsPerMinute, concurrency,
                rootDepartmentId, options, null);
    }

    public String credential(String suffix) {
        return credentials.get(suffix);
    }

    public String option(String suffix, String fallback) {
        return options.getOrDefault(suffix, fallback);
    }

    /**
     * What stands between {@code orgsync.} and a key's suffix: {@code feishu} or
     * {@code tenants.east-campus}. Error messages name keys with it, so a rejected secret points at
     * the tenant's own key.
     */
    public String prefix() {
        return tenantName == null ? name.id() : TENANTS + "." + tenantName;
    }

    /** The full key of a suffix: {@code orgsync.tenants.east-campus.app-secret}. */
    public String key(String suffix) {
        return "orgsync." + prefix() + "." + suffix;
    }

    /**
     * The stem of this tenant's route ids and endpoints ({@code <route>-sync}, {@code <route>-schedule},
     * {@code direct:<route>-sync}): the source id for a source's own keys, as in every earlier version,
     * {@code tenant-<name>} for a named tenant, which no source id can collide with.
     */
    public String routeName() {
        return tenantName == null ? name.id() : "tenant-" + tenantName;
    }

    /**
     * The root a sync route is given: empty for the source's own root, as
     * {@code OrgSyncApp.effectiveProperties} leaves it unset, since the whole tree is also the only
     * answer that shows departments cut off from the root.
     */
    public String customRootDepartmentId() {
        return rootDepartmentId == null || rootDepartmentId.equals(name.definition().defaultRootDepartmentId())
                ? "" : rootDepartmentId;
    }

    /** The key prefix of named tenants: {@code orgsync.tenants.<name>.*}. */
    public static final String TENANTS = "tenants";

    @Override
    public String toString() {
        return "SourceSettings[" + prefix() + ", source=" + name.id() + ", baseUrl=" + baseUrl + ", tenant=" + tenant
                + ", schedule=" + schedule + "]";
    }
}
