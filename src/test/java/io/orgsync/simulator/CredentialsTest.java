package io.orgsync.simulator;

import org.junit.jupiter.params.provider.MethodSource;
import io.orgsync.Sources;
import io.orgsync.config.SourceName;
import org.junit.jupiter.params.ParameterizedTest;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialsTest {

    private final Credentials credentials = Credentials.defaults("0123456789abcdef0123456789abcdef");

    /** The demo and the tests log in with these: a source whose keys the simulator misses would not start. */
    @ParameterizedTest
    @MethodSource("io.orgsync.Sources#all")
    void everySourceGetsEachOfItsCredentialKeysAndNoOther(SourceName source) {
        assertThat(credentials.settingsFor(source.id()).keySet())
                .containsExactlyElementsOf(source.definition().credentialKeys());
        assertThat(credentials.settingsFor(source.id()).values()).allSatisfy(value -> assertThat(value).isNotBlank());
    }

    @ParameterizedTest
    @MethodSource("io.orgsync.Sources#all")
    void secretsStayOutOfToString(SourceName source) {
        source.definition().credentialKeys().stream()
                .filter(key -> key.contains("secret") || key.contains("key"))
                .map(key -> credentials.settingsFor(source.id()).get(key))
                .forEach(secret -> assertThat(credentials.toString()).doesNotContain(secret));
    }
}
