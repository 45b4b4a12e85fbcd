package io.orgsync.source.feishu;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Status;
import io.orgsync.source.AccessToken;
import io.orgsync.source.VendorFailure;
import io.orgsync.source.TokenRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Feishu's error answers (its open platform's general error codes and the contact API's own; docs/sources.md,
 * Feishu), answer by answer, without a network.
 */
class FeishuDialectTest {

    private static final String SECRET = "s3cr3t-app-secret";
    private static final String CHILDREN = "/open-apis/contact/v3/departments/od-abc/children";
    private static final String USERS = "/open-apis/contact/v3/users/find_by_department";
    /** Feishu's documented token path; the dialect never sees it (the token route's endpoint names it). */
    private static final String TOKEN = "/open-apis/auth/v3/tenant_access_token/internal";
    private static final Instant NOW = Instant.parse("2026-01-05T02:00:00Z");

    private final FeishuDialect dialect = new FeishuDialect("feishu", "cli_test", SECRET,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void fetchesTheTenantTokenWithAppIdAndSecretAndReadsTheTopLevelExpiry() {
        Map<String, Object> sent = new HashMap<>();
        AccessToken token = dialect.fetchToken(new TokenRequest() {
            @Override
            public JsonNode get(Map<String, String> query) {
                throw new AssertionError("the token is fetched with POST");
            }

            @Override
            public JsonNode post(Object jsonBody) {
                sent.put("body", jsonBody);
                return json("{\"code\":0,\"msg\":\"ok\",\"tenant_access_token\":\"t-g123\",\"expire\":3600}");
            }
        });
        assertThat(sent.get("body")).isEqualTo(Map.of("app_id", "cli_test", "app_secret", SECRET));
        assertThat(token.value()).isEqualTo("t-g123");
        assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    }

    @Test
    void sendsTheTokenAsABearerHeaderAndNothingInTheQuery() {
        Map<String, String> query = new HashMap<>();
        Map<String, String> headers = new HashMap<>();
        dialect.authorize(query, headers, "t-g123");
        assertThat(query).isEmpty();
        assertThat(headers).containsExactly(Map.entry("Authorization", "Bearer t-g123"));
    }

    @Test
    void pacesEveryDepartmentsPathAsTheOneApiFeishuLimits() {
        assertThat(dialect.api(CHILDREN)).isEqualTo(FeishuDialect.CHILDREN_API);
        assertThat(dialect.api("/open-apis/contact/v3/departments/0/children")).isEqualTo(FeishuDialect.CHILDREN_API);
        assertThat(dialect.api("/open-apis/contact/v3/departments/D12")).isEqualTo(FeishuDialect.DEPARTMENT_API);
        assertThat(dialect.api(USERS)).isEqualTo(USERS);
        assertThat(dialect.api(TOKEN)).isEqualTo(TOKEN);
    }

    @Test
    void successPassesAndSoDoes43010OnAChildrenListingOnly() {
        assertThatCode(() -> check(200, USERS, "{\"code\":0,\"msg\":\"success\",\"data\":{}}")).doesNotThrowAnyException();
        assertThatCode(() -> check(400, CHILDREN, error(43010))).doesNotThrowAnyException();
        assertThatThrownBy(() -> check(400, USERS, error(43010))).isInstanceOf(VendorFailure.Fatal.class);
    }

    @Test
    void rateLimitsWaitAsLongAsTheResetHeaderSaysOnHttp429AndOnTheLegacy400() {
        HttpHeaders reset = headers(Map.of("x-ogw-ratelimit-reset", List.of("3"), "x-ogw-ratelimit-limit", List.of("50")));
        assertThatThrownBy(() -> dialect.check("GET", USERS, 429, reset, json(error(99991400))))
                .isInstanceOfSatisfying(VendorFailure.RateLimited.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
        assertThatThrownBy(() -> dialect.check("GET", USERS, 400, reset, json(error(99991400))))
                .isInstanceOf(VendorFailure.RateLimited.class);
        // a gateway's bare 429 without the header: the client backs off exponentially
        assertThatThrownBy(() -> dialect.check("GET", USERS, 429, headers(Map.of()), null))
                .isInstanceOfSatisfying(VendorFailure.RateLimited.class, e -> assertThat(e.retryAfter()).isNull());
    }

    @ParameterizedTest
    @ValueSource(ints = {99991663, 99991664, 99991671, 99991668})
    void invalidOrExpiredTokensAreRefreshedOnce(int code) {
        // the client refreshes once on TokenRejected and fails if the fresh token is rejected too
        assertThatThrownBy(() -> check(400, USERS, error(code))).isInstanceOf(VendorFailure.TokenRejected.class);
    }

    @Test
    void internalErrorsAndServerFaultsAreRetried() {
        assertThatThrownBy(() -> check(400, USERS, error(40003))).isInstanceOf(VendorFailure.Transient.class)
                .hasMessageContaining("log_id 2024LOGID");
        assertThatThrownBy(() -> dialect.check("GET", USERS, 502, headers(Map.of()), null))
                .isInstanceOf(VendorFailure.Transient.class).hasMessageContaining("502");
        assertThatThrownBy(() -> check(500, USERS, error(1500)))
                .isInstanceOf(VendorFailure.Transient.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {40004, 40014, 40008})
    void departmentsOutOfScopeOrGoneAreSkipped(int code) {
        // the normaliser turns a skipped root into a failure; any other department is left out
        assertThatThrownBy(() -> check(403, USERS, error(code))).isInstanceOf(VendorFailure.Skip.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {40011, 42008, 99991661, 12345})
    void bugsTenantMismatchesAndUnknownCodesFailTheRun(int code) {
        assertThatThrownBy(() -> check(400, USERS, error(code))).isInstanceOf(VendorFailure.Fatal.class)
                .hasMessageContaining("code " + code).hasMessageContaining(USERS);
    }

    @Test
    void aRejectedPageTokenNamesTheParameterSoTheListingCanStartOver() {
        assertThatThrownBy(() -> check(400, USERS, error(40012)))
                .isInstanceOfSatisfying(VendorFailure.PageTokenRejected.class,
                        rejected -> assertThat(rejected.tokenParameter()).isEqualTo("page_token"))
                .hasMessageContaining("code 40012").hasMessageContaining(USERS);
    }

    @Test
    void aMissingScopeFailsNamingTheScope() {
        String body = "{\"code\":99991672,\"msg\":\"Access denied. One of the following scopes is required: "
                + "[contact:user.base:readonly]\",\"error\":{\"log_id\":\"L1\",\"permission_violations\":"
                + "[{\"type\":\"action_scope_required\",\"subject\":\"contact:user.base:readonly\"},"
                + "{\"type\":\"action_scope_required\",\"subject\":\"contact:contact:readonly_as_app\"}]}}";
        assertThatThrownBy(() -> check(400, USERS, body)).isInstanceOf(VendorFailure.Fatal.class)
                .hasMessageContaining("grant contact:user.base:readonly or contact:contact:readonly_as_app");
        assertThatThrownBy(() -> check(400, USERS, "{\"code\":99991672,\"msg\":\"scope [contact:x] required\"}"))
                .isInstanceOf(VendorFailure.Fatal.class).hasMessageContaining("scope [contact:x] required");
    }

    @Test
    void rejectedCredentialsNameTheKeyToFixAndNeverTheSecret() {
        assertThatThrownBy(() -> dialect.checkToken("POST", TOKEN, 400, headers(Map.of()),
                json("{\"code\":10003,\"msg\":\"invalid param\"}")))
                .isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                        e -> assertThat(e.key()).isEqualTo("orgsync.feishu.app-id"));
        assertThatThrownBy(() -> dialect.checkToken("POST", TOKEN, 400, headers(Map.of()),
                json("{\"code\":10014,\"msg\":\"app secret invalid\"}")))
                .isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                        e -> assertThat(e.key()).isEqualTo("orgsync.feishu.app-secret"))
                .message().doesNotContain(SECRET);
        assertThatThrownBy(() -> dialect.checkToken("POST", TOKEN, 400, headers(Map.of()),
                json("{\"code\":10015,\"msg\":\"something else\"}")))
                .isInstanceOf(VendorFailure.Fatal.class).hasMessageContaining("code 10015");
        // whatever path the token route's endpoint names, its refusals name the key to fix
        assertThatThrownBy(() -> dialect.checkToken("POST", "/feishu-proxy/token", 400, headers(Map.of()),
                json("{\"code\":10014,\"msg\":\"app secret invalid\"}")))
                .isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                        e -> assertThat(e.key()).isEqualTo("orgsync.feishu.app-secret"));
        // and a business call's 10014 is no key to fix
        assertThatThrownBy(() -> check(400, USERS, "{\"code\":10014,\"msg\":\"app secret invalid\"}"))
                .isInstanceOf(VendorFailure.Fatal.class).isNotInstanceOf(VendorFailure.Misconfigured.class);
    }

    @Test
    void anAnswerWithoutFeishusEnvelopeFailsAndANonJsonOneIsLeftToTheClient() {
        assertThatThrownBy(() -> check(200, USERS, "{\"data\":{}}")).isInstanceOf(VendorFailure.Fatal.class)
                .hasMessageContaining("without Feishu's code field");
        assertThatCode(() -> dialect.check("GET", USERS, 200, headers(Map.of()), null)).doesNotThrowAnyException();
    }

    @Test
    void inactiveMeansFrozenResignedExitedOrNotYetActivated() {
        assertThat(FeishuMapper.status(json("{\"is_frozen\":false,\"is_resigned\":false,\"is_activated\":true,"
                + "\"is_exited\":false,\"is_unjoin\":false}"))).isEqualTo(Status.ACTIVE);
        assertThat(FeishuMapper.status(json("{\"is_frozen\":true,\"is_activated\":true}"))).isEqualTo(Status.INACTIVE);
        assertThat(FeishuMapper.status(json("{\"is_resigned\":true,\"is_activated\":true}"))).isEqualTo(Status.INACTIVE);
        assertThat(FeishuMapper.status(json("{\"is_exited\":true,\"is_activated\":true}"))).isEqualTo(Status.INACTIVE);
        assertThat(FeishuMapper.status(json("{\"is_activated\":false,\"is_unjoin\":true}"))).isEqualTo(Status.INACTIVE);
        assertThat(FeishuMapper.status(json("{}"))).as("the vendor said nothing").isEqualTo(Status.ACTIVE);
        assertThat(FeishuMapper.status(null)).isEqualTo(Status.ACTIVE);
    }

    private void check(int status, String path, String body) {
        dialect.check("GET", path, status, headers(Map.of()), json(body));
    }

    private static String error(int code) {
        return "{\"code\":" + code + ",\"msg\":\"vendor says " + code + "\",\"error\":{\"log_id\":\"2024LOGID\"}}";
    }

    private static HttpHeaders headers(Map<String, List<String>> values) {
        return HttpHeaders.of(values, (k, v) -> true);
    }

    private static JsonNode json(String text) {
        try {
            return CanonicalJson.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
