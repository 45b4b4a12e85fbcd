package io.orgsync.sink.webhook;

import io.orgsync.config.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.orgsync.sink.webhook.WebhookFixtures.NEXT_SECRET;
import static io.orgsync.sink.webhook.WebhookFixtures.SECRET;
import static io.orgsync.sink.webhook.WebhookFixtures.lookup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSettingsTest {

    private static final String KEY_PART = SECRET.substring("whsec_".length());

    @Test
    void defaultsApplyWhenOnlyUrlAndSecretAreSet() {
        WebhookSettings settings = load(Map.of("orgsync.webhook.url", "https://hooks.example.com/orgsync",
                "orgsync.webhook.secret", SECRET));

        assertThat(settings.endpoints()).singleElement().satisfies(e -> {
            assertThat(e.index()).isEqualTo(1);
            assertThat(e.url()).isEqualTo(URI.create("https://hooks.example.com/orgsync"));
            assertThat(e.secrets()).hasSize(1);
        });
        assertThat(settings.batchSize()).isEqualTo(500);
        assertThat(settings.maxAttempts()).isEqualTo(10);
        assertThat(settings.retryBudget()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.retryInitialDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.retryMaxDelay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void severalUrlsShareTheSecretUnlessOneHasItsOwn() {
        WebhookSettings settings = load(Map.of(
                "orgsync.webhook.url", " https://a.example.com/hook , http://b.example.com:8080/in?token=x ",
                "orgsync.webhook.secret", SECRET + ", " + NEXT_SECRET,
                "orgsync.webhook.2.secret", NEXT_SECRET));

        assertThat(settings.endpoints()).hasSize(2);
        assertThat(settings.endpoints().get(0).secrets()).hasSize(2);
        assertThat(settings.endpoints().get(1).secrets()).hasSize(1);
        assertThat(settings.endpoints().get(1).index()).isEqualTo(2);
        // the query may hold a receiver's token: kept for sending, left out of what is logged
        assertThat(settings.endpoints().get(1).display()).isEqualTo("http://b.example.com:8080/in");
        assertThat(settings.endpoints().get(1).toString()).isEqualTo("webhook #2 http://b.example.com:8080/in");
        assertThat(settings.endpoint("http://b.example.com:8080/in?token=x")).isPresent();
    }

    @Test
    void withoutUrlTheWebhookIsNotConfigured() {
        assertThat(WebhookSettings.loadIfConfigured(lookup(Map.of("orgsync.webhook.secret", SECRET)))).isEmpty();
        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("orgsync.webhook.url: missing")
                .hasMessageContaining("ORGSYNC_WEBHOOK_URL");
    }

    @Test
    void invalidValuesNameTheKey() {
        assertProblem(Map.of("orgsync.webhook.url", "ftp://x.example.com/"), "orgsync.webhook.url: ");
        assertProblem(Map.of("orgsync.webhook.url", "/relative/path"), "orgsync.webhook.url: ");
        assertProblem(Map.of("orgsync.webhook.url", "https://user:pw@x.example.com/"), "orgsync.webhook.url: ");
        assertProblem(Map.of("orgsync.webhook.url", "https://x.example.com/a,https://x.example.com/a"),
                "orgsync.webhook.url: ");
        assertProblem(Map.of("orgsync.webhook.url", "https://x.example.com/a b"), "orgsync.webhook.url: ");
        assertProblem(Map.of("orgsync.webhook.batch-size", "0"), "orgsync.webhook.batch-size: '0' is not");
        assertProblem(Map.of("orgsync.webhook.max-attempts", "many"), "orgsync.webhook.max-attempts: ");
        assertProblem(Map.of("orgsync.webhook.read-timeout-ms", "-1"), "orgsync.webhook.read-timeout-ms: ");
        assertProblem(Map.of("orgsync.webhook.retry-initial-delay-ms", "5000",
                "orgsync.webhook.retry-max-delay-ms", "100"), "orgsync.webhook.retry-max-delay-ms: ");
    }

    @Test
    void passwordsAndQueriesInABadUrlAreNotRepeated() {
        for (String url : List.of("https://user:hunter2@x.example.com/hook", "ftp://user:hunter2@x.example.com/",
                "https://user:hunter2@x.example.com/a b", "ftp://x.example.com/?token=hunter2")) {
            assertThatThrownBy(() -> load(Map.of("orgsync.webhook.url", url, "orgsync.webhook.secret", SECRET)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("orgsync.webhook.url: ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        }
    }

    @Test
    void aMissingSecretNamesBothKeysThatCouldHoldIt() {
        assertThatThrownBy(() -> load(Map.of("orgsync.webhook.url", "https://a.example.com/,https://b.example.com/",
                "orgsync.webhook.1.secret", SECRET)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("orgsync.webhook.secret: missing for webhook #2")
                .hasMessageContaining("orgsync.webhook.2.secret");
    }

    @Test
    void badSecretsAreRejectedWithoutQuotingThem() {
        for (String bad : List.of(KEY_PART, SECRET + "%", "whsec_" + KEY_PART.substring(0, 16),
                SECRET + " " + NEXT_SECRET + " " + SECRET, "whsec_")) {
            for (String key : List.of("orgsync.webhook.secret", "orgsync.webhook.1.secret")) {
                Map<String, String> values = new HashMap<>(Map.of("orgsync.webhook.url", "https://a.example.com/",
                        "orgsync.webhook.secret", SECRET));
                values.put(key, bad);
                assertThatThrownBy(() -> load(values))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageStartingWith(key + ": ")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY_PART.substring(0, 8))
                                .doesNotContain("\n"));
            }
        }
    }

    @Test
    void toStringsNeverShowASecret() {
        WebhookSettings settings = load(Map.of("orgsync.webhook.url", "https://a.example.com/hook",
                "orgsync.webhook.secret", SECRET + " " + NEXT_SECRET));

        String printed = settings + " " + settings.endpoints().get(0) + " " + settings.endpoints().get(0).secrets();
        assertThat(printed).contains("https://a.example.com/hook").contains("whsec_***")
                .doesNotContain(KEY_PART).doesNotContain(NEXT_SECRET.substring(6));
    }

    private static void assertProblem(Map<String, String> overrides, String messageStart) {
        Map<String, String> values = new HashMap<>(Map.of("orgsync.webhook.url", "https://a.example.com/hook",
                "orgsync.webhook.secret", SECRET));
        values.putAll(overrides);
        assertThatThrownBy(() -> load(values))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(messageStart)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(KEY_PART));
    }

    private static WebhookSettings load(Map<String, String> values) {
        return WebhookSettings.load(lookup(values));
    }
}
