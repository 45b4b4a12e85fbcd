package io.orgsync.source.wuhan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.orgsync.model.CanonicalJson;
import io.orgsync.source.AccessToken;
import io.orgsync.source.VendorFailure;
import io.orgsync.source.TokenRequest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.orgsync.source.wuhan.WuhanDialect.CHILD_LIST_PATH;
import static io.orgsync.source.wuhan.WuhanDialect.MEMBERS_PATH;
import static io.orgsync.source.wuhan.WuhanDialect.ORG_INFO_PATH;
import static io.orgsync.source.wuhan.WuhanDialect.PARENTS_PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WuhanDialectTest {

    private static final Instant NOW = Instant.parse("2026-11-21T02:00:00Z");
    private static final String APP_KEY = "the-app-key";
    private final WuhanDialect dialect = new WuhanDialect("wuhan-edu", "app1", APP_KEY, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void signsTheTokenRequestAndNeverSendsTheAppKey() {
        Map<String, Object> sent = new HashMap<>();
        AccessToken token = dialect.fetchToken(tokenAnswer(sent,
                "{\"retCode\":\"000000\",\"retDesc\":\"成功\",\"tokenInfo\":{\"accessToken\":\"abc\",\"validTime\":\""
                        + (NOW.getEpochSecond() + 7200) + "\"}}"));

        assertThat(token.value()).isEqualTo("abc");
        assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(7200));
        assertThat(sent).containsOnlyKeys("appId", "timeStamp", "keyInfo");
        assertThat(sent.get("timeStamp")).isEqualTo(Long.toString(NOW.toEpochMilli()));
        assertThat(sent.values()).noneMatch(v -> String.valueOf(v).contains(APP_KEY));
        assertThat((String) sent.get("keyInfo")).matches("[0-9A-F]{40}")
                .isEqualTo(WuhanDialect.keyInfo("app1", APP_KEY, Long.toString(NOW.toEpochMilli())));
        assertThat(WuhanDialect.keyInfo("app1", "other-key", "1")).isNotEqualTo(WuhanDialect.keyInfo("app1", APP_KEY, "1"));
    }

    @Test
    void readsValidTimeAsAbsoluteSecondsOrAsALifetime() {
        assertThat(dialect.expiresAt(text(Long.toString(NOW.getEpochSecond() + 600)))).isEqualTo(NOW.plusSeconds(600));
        assertThat(dialect.expiresAt(text("7200"))).isEqualTo(NOW.plusSeconds(7200));
        assertThat(dialect.expiresAt(JsonNodeFactory.instance.numberNode(3600L))).isEqualTo(NOW.plusSeconds(3600));
        // unusable or already past: a short lifetime rather than a token per call
        assertThat(dialect.expiresAt(text(""))).isEqualTo(NOW.plus(WuhanDialect.FALLBACK_LIFETIME));
        assertThat(dialect.expiresAt(text(Long.toString(NOW.getEpochSecond() - 10))))
                .isEqualTo(NOW.plus(WuhanDialect.FALLBACK_LIFETIME));
    }

    @Test
    void aRejectedTokenRequestNamesTheKeyToFix() {
        assertThatThrownBy(() -> dialect.fetchToken(tokenAnswer(new HashMap<>(),
                "{\"retCode\":\"100001\",\"retDesc\":\"keyInfo校验失败\",\"tokenInfo\":null}")))
                .isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                        e -> assertThat(e.key()).isEqualTo("orgsync.wuhan-edu.app-key"));
        assertThatThrownBy(() -> dialect.fetchToken(tokenAnswer(new HashMap<>(),
                "{\"retCode\":\"100001\",\"retDesc\":\"appId不存在\",\"tokenInfo\":null}")))
                .isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                        e -> assertThat(e.key()).isEqualTo("orgsync.wuhan-edu.app-id"));
        assertThatThrownBy(() -> dialect.fetchToken(tokenAnswer(new HashMap<>(),
                "{\"retCode\":\"100001\",\"retDesc\":\"timeStamp已失效\",\"tokenInfo\":null}")))
                .isInstanceOf(VendorFailure.Fatal.class).hasMessageContaining("clock");
    }

    @Test
    void classifiesAnswersPerTheErrorTable() {
        assertThatThrownBy(() -> check(MEMBERS_PATH, 429, Map.of("Retry-After", List.of("3")), "{}"))
                .isInstanceOfSatisfying(VendorFailure.RateLimited.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
        assertThatThrownBy(() -> check(MEMBERS_PATH, 429, Map.of(), "{}"))
                .isInstanceOfSatisfying(VendorFailure.RateLimited.class, e -> assertThat(e.retryAfter()).isNull());
        assertThatThrownBy(() -> check(MEMBERS_PATH, 503, Map.of(), null)).isInstanceOf(VendorFailure.Transient.class);
        assertThatThrownBy(() -> check(MEMBERS_PATH, 403, Map.of(), "{}")).isInstanceOf(VendorFailure.Fatal.class);

        for (String message : List.of("accessToken无效", "accessToken已过期", "token失效")) {
            for (String path : List.of(MEMBERS_PATH, PARENTS_PATH, CHILD_LIST_PATH, ORG_INFO_PATH)) {
                assertThatThrownBy(() -> check(path, 200, Map.of(), envelope("100001", message)))
                        .as(path + " " + message).isInstanceOf(VendorFailure.TokenRejected.class);
            }
        }
        // one node: skipped (the child-list fallback and a vanished node rely on it)
        assertThatThrownBy(() -> check(CHILD_LIST_PATH, 200, Map.of(), envelope("100001", "该接口未对当前应用开放")))
                .isInstanceOf(VendorFailure.Skip.class);
        assertThatThrownBy(() -> check(ORG_INFO_PATH, 200, Map.of(), envelope("100001", "组织不存在：x")))
                .isInstanceOf(VendorFailure.Skip.class);
        // a listing: the run fails with the vendor's message
        assertThatThrownBy(() -> check(MEMBERS_PATH, 200, Map.of(), envelope("100001", "page_size须为1到500之间的整数")))
                .isInstanceOf(VendorFailure.Fatal.class).hasMessageContaining("page_size须为1到500之间的整数");
        assertThatThrownBy(() -> check(PARENTS_PATH, 200, Map.of(), envelope("100001", "无权访问该机构：x")))
                .isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                        e -> assertThat(e.key()).isEqualTo("orgsync.wuhan-edu.top-org-id"));
        assertThatThrownBy(() -> check(MEMBERS_PATH, 200, Map.of(), "{\"result\":{}}"))
                .isInstanceOf(VendorFailure.Fatal.class).hasMessageContaining("without a code");

        check(MEMBERS_PATH, 200, Map.of(), envelope("000000", "请求成功"));
        check(MEMBERS_PATH, 200, Map.of(), null); // not JSON: the client reports it, without quoting the body
    }

    @Test
    void putsTheTokenInTheQueryOfEveryBusinessCall() {
        Map<String, String> query = new HashMap<>();
        Map<String, String> headers = new HashMap<>();
        dialect.authorize(query, headers, "tok");
        assertThat(query).containsEntry("accessToken", "tok");
        assertThat(headers).isEmpty();
    }

    private void check(String path, int status, Map<String, List<String>> headers, String body) {
        JsonNode parsed = body == null ? null : CanonicalJson.fromLine(body, JsonNode.class);
        dialect.check(path.equals(PARENTS_PATH) ? "POST" : "GET", path, status, HttpHeaders.of(headers, (a, b) -> true),
                parsed);
    }

    private static String envelope(String code, String message) {
        return "{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"result\":null}";
    }

    private static JsonNode text(String value) {
        return JsonNodeFactory.instance.textNode(value);
    }

    @SuppressWarnings("unchecked")
    private static TokenRequest tokenAnswer(Map<String, Object> sent, String answer) {
        return new TokenRequest() {
            @Override
            public JsonNode get(Map<String, String> query) {
                throw new AssertionError("the token call is a POST");
            }

            @Override
            public JsonNode post(Object jsonBody) {
                sent.putAll((Map<String, Object>) jsonBody);
                return CanonicalJson.fromLine(answer, JsonNode.class);
            }
        };
    }
}
