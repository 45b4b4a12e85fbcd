package io.orgsync.source.wecom;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.source.VendorFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * WeCom's errcodes (its global error code page; docs/sources.md, WeCom), code by code: what each errcode
 * makes the client do.
 */
class WecomDialectTest {

    private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);
    private final WecomDialect dialect = new WecomDialect("wecom", "ww123", "s3cr3t-value", Clock.systemUTC());

    @Test
    void systemBusyIsRetriedWithBackOff() {
        assertThat(answer(-1)).isInstanceOf(VendorFailure.Transient.class).hasMessageContaining("system busy");
    }

    @Test
    void aRejectedSecretOrCorpIdFailsNamingTheKey() {
        assertThat(answer(40001)).isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                m -> assertThat(m.key()).isEqualTo("orgsync.wecom.corp-secret"));
        assertThat(answer(40013)).isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                m -> assertThat(m.key()).isEqualTo("orgsync.wecom.corp-id"));
        assertThat(answer(48002)).as("API not allowed for this app's secret")
                .isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                        m -> assertThat(m.key()).isEqualTo("orgsync.wecom.corp-secret"));
        assertThat(answer(40001).getMessage()).doesNotContain("s3cr3t-value");
    }

    @ParameterizedTest
    @ValueSource(ints = {40014, 42001})
    void anInvalidOrExpiredTokenIsRefreshedOnce(int errcode) {
        assertThat(answer(errcode)).isInstanceOf(VendorFailure.TokenRejected.class);
    }

    @Test
    void theVendorsMessageIsQuotedMaskedNeverWithAMobileAnEmailOrAToken() {
        String message = answer(60111, "userid 13812345678 li.si@example.com access_token=Lk3vRq9Xz0bN2mW8pT5y not found")
                .getMessage();
        assertThat(message).contains("errcode 60111").contains("<digits>").contains("<email>")
                .doesNotContain("13812345678").doesNotContain("li.si@").doesNotContain("Lk3vRq9Xz0bN2mW8pT5y");
    }

    @Test
    void aMissingTokenIsABugAndFails() {
        assertThat(answer(41001)).isInstanceOf(VendorFailure.Fatal.class).hasMessageContaining("without an access_token");
    }

    @Test
    void frequencyAndConcurrencyLimitsAreWaitedOut() {
        assertThat(answer(45009)).isInstanceOfSatisfying(VendorFailure.RateLimited.class,
                limited -> assertThat(limited.retryAfter()).as("exponential back-off up to a minute").isNull());
        assertThat(answer(45033)).isInstanceOfSatisfying(VendorFailure.RateLimited.class,
                limited -> assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
    }

    @Test
    void anAnswerTooLargeHasItsOwnTypeSoTheRoutesCanReadTheTreeDepartmentByDepartment() {
        // the routes catch it from department/list only; user/list is already per department
        assertThat(answer(45029)).isInstanceOf(AnswerTooLarge.class).hasMessageContaining("too large")
                .hasMessageContaining("45029");
    }

    @Test
    void contactSyncOnANewIpHasItsOwnTypeSoTheRoutesCanFallBack() {
        assertThat(answer(48009)).isInstanceOfSatisfying(ContactSyncRefused.class, refused -> {
            assertThat(refused.path()).isEqualTo("/cgi-bin/user/list");
            assertThat(refused.getMessage()).contains("48009").contains("new IP");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {60003, 60123, 60011, 60111})
    void missingOrInvisibleItemsAreSkipped(int errcode) {
        assertThat(answer(errcode)).isInstanceOf(VendorFailure.Skip.class);
    }

    @Test
    void anUntrustedIpAndUnknownCodesFail() {
        assertThat(answer(60020)).isInstanceOf(VendorFailure.Fatal.class).hasMessageContaining("trusted IPs");
        assertThat(answer(12345)).isInstanceOf(VendorFailure.Fatal.class).hasMessageContaining("errcode 12345");
    }

    @Test
    void httpStatusesBeforeErrcodes() {
        assertThat(catchThrowable(() -> dialect.check("GET", "/cgi-bin/user/list", 429, NO_HEADERS, null)))
                .isInstanceOf(VendorFailure.RateLimited.class);
        assertThat(catchThrowable(() -> dialect.check("GET", "/cgi-bin/user/list", 502, NO_HEADERS, null)))
                .isInstanceOf(VendorFailure.Transient.class);
        assertThat(catchThrowable(() -> dialect.check("GET", "/cgi-bin/user/list", 404, NO_HEADERS, null)))
                .isInstanceOf(VendorFailure.Fatal.class).hasMessageContaining("404");
    }

    @Test
    void branchesOnErrcodeNeverOnErrmsg() {
        assertThatCode(() -> dialect.check("GET", "/cgi-bin/user/list", 200, NO_HEADERS,
                json("{\"errcode\":0,\"errmsg\":\"invalid access_token\"}"))).doesNotThrowAnyException();
        assertThat(answer(40014, "ok")).isInstanceOf(VendorFailure.TokenRejected.class);
    }

    private Throwable answer(int errcode) {
        return answer(errcode, "some text, hint: [1700000000_abc], from ip: 10.0.0.1");
    }

    private Throwable answer(int errcode, String errmsg) {
        JsonNode body = json("{\"errcode\":" + errcode + ",\"errmsg\":\"" + errmsg + "\"}");
        Throwable thrown = catchThrowable(() -> dialect.check("GET", "/cgi-bin/user/list", 200, NO_HEADERS, body));
        assertThat(thrown).as("errcode %s", errcode).isNotNull();
        return thrown;
    }

    private static JsonNode json(String text) {
        try {
            return CanonicalJson.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
