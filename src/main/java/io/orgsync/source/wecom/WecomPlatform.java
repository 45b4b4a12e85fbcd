package io.orgsync.source.wecom;

import io.orgsync.config.SourceSettings;
import io.orgsync.source.SourceDefinition;
import io.orgsync.source.VendorDialect;

import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * What WeCom's two sources share: one host, one rate limit (10,000 calls a minute per API per
 * corp, at most 100 a second), one pair of credentials and one dialect; they differ in the APIs
 * they call and what they make of the answers.
 */
public interface WecomPlatform extends SourceDefinition {

    @Override
    default String defaultBaseUrl() {
        return "https://qyapi.weixin.qq.com";
    }

    @Override
    default int defaultPerSecond() {
        return 100;
    }

    @Override
    default int defaultPerMinute() {
        return 10_000;
    }

    /** gettoken's query parameter and the token's; the key and the Kamelet property. */
    @Override
    default Set<String> secretNames() {
        return Set.of("corpsecret", "corp_secret", "access_token", "corp-secret", "corpSecret");
    }

    @Override
    default List<String> credentialKeys() {
        return List.of("corp-id", "corp-secret");
    }

    @Override
    default VendorDialect dialect(SourceSettings tenant, Clock clock) {
        return new WecomDialect(tenant.prefix(), tenant.credential("corp-id"), tenant.credential("corp-secret"), clock);
    }
}
