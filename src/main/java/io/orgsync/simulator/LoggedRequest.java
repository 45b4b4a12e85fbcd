package io.orgsync.simulator;

/**
 * One request as the simulator received it. {@code endpoint} equals {@code path} except where the
 * vendor puts an id in the path (Feishu {@code /departments/:department_id/children}), so rate
 * checks can group by API the way the vendor does.
 */
public record LoggedRequest(long nanoTime, String path, String endpoint, Vendor vendor) {
}
