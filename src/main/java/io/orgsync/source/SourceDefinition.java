package io.orgsync.source;

import io.orgsync.config.SettingsReader;
import io.orgsync.config.SourceSettings;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Everything about one source that lives outside its route file, its Kamelet and its simulator
 * API, so that settings, beans and routes are made for every tenant alike and a new source is a
 * new package rather than a branch in each of them. Each {@code io.orgsync.source.<vendor>}
 * package implements it once and names the implementation in
 * {@code META-INF/services/io.orgsync.source.SourceDefinition}, where {@link io.orgsync.config.SourceName}
 * finds it.
 *
 * <p>The keys every source has ({@code base-url}, {@code tenant}, {@code schedule},
 * {@code max-requests-per-second}, {@code max-requests-per-minute}, {@code root-department-id},
 * {@code concurrency}) are read by
 * {@code OrgSyncSettings}, with the defaults given here, so that they mean the same everywhere.
 */
public interface SourceDefinition {

    /**
     * The name in {@code orgsync.sources} and {@code orgsync.tenants.<name>.source}; also the stem
     * of its keys ({@code orgsync.<id>.*}), its route file ({@code <id>.camel.yaml}), its route
     * template ({@code <id>-sync-template}), its Kamelet and its export folder.
     */
    String id();

    String defaultBaseUrl();

    /** {@code null} where the root is not a department id of its own (Wuhan's is its top org). */
    String defaultRootDepartmentId();

    int defaultPerSecond();

    int defaultPerMinute();

    /**
     * The most requests in flight at once during a run: a ceiling. The client keeps as many in
     * flight as the per-second pace fills over the measured round trip, and two more; the ceiling
     * only decides how slow a vendor can be before the pace is lost: WeCom's 100 calls a second
     * over 100 ms take 12, so 16 keeps the pace up to 140 ms. More cost a nearby vendor's runs:
     * with 32, answers mapped on 36 threads at once took a 100,000-member WeCom run without a rate
     * limit from 28,659 to 10,452 records a second on two cores. A nearby vendor never sees that
     * many; WeCom's cap on concurrent calls (45033) is unpublished, and each 45033 takes one away
     * for the rest of the run.
     */
    default int defaultConcurrency() {
        return 16;
    }

    /**
     * The credential keys, each required once the tenant is enabled (listed in
     * {@code orgsync.sources} or {@code orgsync.tenants}): the app or corp, its secret, and
     * anything else without which no request can be made.
     */
    List<String> credentialKeys();

    /**
     * The credential whose value names the tenant unless {@code tenant} is set: one corp or app
     * is one directory, but one Wuhan app may serve several schools, each its own top org.
     */
    default String tenantCredential() {
        return credentialKeys().get(0);
    }

    /**
     * The source's own settings by key suffix (a choice of API, of id type), validated. Asked
     * whether or not the tenant is enabled, like every key, so a typo is refused at the first start.
     *
     * @param key the full key of a suffix, under the source's own keys or a named tenant's
     */
    default Map<String, String> options(SettingsReader in, UnaryOperator<String> key) {
        return Map.of();
    }

    /** The tenant's client is shared machinery; the dialect is what the vendor's API makes its own. */
    VendorDialect dialect(SourceSettings tenant, Clock clock);

    /**
     * A tenant's beans beside its {@code Connection} and {@code FetchPool}, by kind: at least its
     * {@code Normaliser}. Each is bound under the tenant's bean name of that kind.
     */
    Map<String, Object> beans(SourceSettings tenant);

    /**
     * Parameters of {@code <id>-sync-template} beyond those every source's template takes
     * ({@code route}, {@code configured}, {@code vendor}, {@code normaliser}, {@code publish},
     * {@code fetchPool}).
     *
     * @param beanName the tenant's bean name of a kind from {@link #beans}
     */
    default Map<String, String> syncParameters(SourceSettings tenant, UnaryOperator<String> beanName) {
        return Map.of();
    }

    /**
     * Routes a tenant needs beside its sync, by part: template {@code <id>-<part>-template} becomes
     * route {@code <route>-<part>}, with the tenant's {@code route}, {@code vendor} and
     * {@code normaliser}.
     */
    default List<String> helperRoutes() {
        return List.of();
    }

    /**
     * How the vendor and this source's keys spell secrets: JSON keys of its answers and request
     * bodies, query parameters, Kamelet properties. Camel's log mask, which knows
     * {@code access_token} and {@code password} but not a vendor's own words, hides their values
     * wherever a body or URI is logged.
     */
    default Set<String> secretNames() {
        return Set.of();
    }
}
