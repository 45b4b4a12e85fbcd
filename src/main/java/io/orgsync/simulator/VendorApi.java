package io.orgsync.simulator;

/** One vendor's HTTP surface; the server does counting, faults and rate limits around it. */
interface VendorApi {

    boolean owns(String path);

    /** The API a path belongs to, for counting and rate limits: the path itself or its template. */
    String endpoint(String path);

    /** The app a request addresses, for per-app rate limits. */
    Vendor vendor(SimRequest request);

    SimResponse handle(SimRequest request);

    /** The vendor's own answer when a rate limit refuses the request. */
    SimResponse rateLimited(SimRequest request, FaultInjector.Refusal refusal);
}
