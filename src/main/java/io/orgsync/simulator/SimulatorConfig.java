package io.orgsync.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable simulator settings; every {@code with...} returns a copy. {@code credentials} may be
 * null, meaning the defaults of {@link Credentials} with the generated school's Wuhan id as top org.
 */
public record SimulatorConfig(SchoolShape school, CompanyShape company, long seed, Duration tokenLifetime,
                              Credentials credentials, int threads) {

    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(7200);

    public SimulatorConfig {
        Objects.requireNonNull(school, "school");
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
            throw new IllegalArgumentException("token lifetime must be positive: " + tokenLifetime);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
    }

    public static SimulatorConfig defaults() {
        return new SimulatorConfig(SchoolShape.demo(), CompanyShape.demo(), 42L, DEFAULT_TOKEN_LIFETIME, null, 16);
    }

    public SimulatorConfig withSchool(SchoolShape shape) {
        return new SimulatorConfig(shape, company, seed, tokenLifetime, credentials, threads);
    }

    public SimulatorConfig withCompany(CompanyShape shape) {
        return new SimulatorConfig(school, shape, seed, tokenLifetime, credentials, threads);
    }

    public SimulatorConfig withSeed(long newSeed) {
        return new SimulatorConfig(school, company, newSeed, tokenLifetime, credentials, threads);
    }

    public SimulatorConfig withTokenLifetime(Duration lifetime) {
        return new SimulatorConfig(school, company, seed, lifetime, credentials, threads);
    }

    /** Replaces the default credentials; {@code wuhanTopOrgId} becomes the school root's Wuhan id. */
    public SimulatorConfig withCredentials(Credentials newCredentials) {
        return new SimulatorConfig(school, company, seed, tokenLifetime, Objects.requireNonNull(newCredentials),
                threads);
    }

    public SimulatorConfig withThreads(int count) {
        return new SimulatorConfig(school, company, seed, tokenLifetime, credentials, count);
    }
}
