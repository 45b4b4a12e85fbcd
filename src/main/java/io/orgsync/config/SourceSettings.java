package io.orgsync.config;

import java.net.URI;
import java.util.Map;

/**
 * One source's validated settings. {@link #toString()} leaves the secret out.
 *
 * @param credentials by key suffix ({@code corp-id}, {@code corp-secret}, {@code top-org-id}, …)
 * @param rootDepartmentId {@code null} means the vendor's own root
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
        Map<String, String> options) {

    public String credential(String suffix) {
        return credentials.get(suffix);
    }

    public String option(String suffix, String fallback) {
        return options.getOrDefault(suffix, fallback);
    }

    @Override
    public String toString() {
        return "SourceSettings[" + name.id() + ", baseUrl=" + baseUrl + ", tenant=" + tenant + ", schedule="
                + schedule + "]";
    }
}
