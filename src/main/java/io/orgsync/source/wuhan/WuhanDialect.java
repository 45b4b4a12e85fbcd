package io.orgsync.source.wuhan;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.source.AccessToken;
import io.orgsync.source.VendorDialect;
import io.orgsync.source.VendorFailure;
import io.orgsync.source.TokenRequest;
import io.orgsync.source.VendorText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Wuhan Education Cloud (docs/sources.md): an HMAC-signed token call answering
 * {@code {retCode, retDesc, tokenInfo}}, the token as query {@code accessToken} on every business
 * call (GET and POST), and business answers {@code {code, message, result}} with HTTP 200.
 *
 * <p>The vendor documents only two codes, {@code "000000"} and {@code "100001"}, and no
 * token-expired code, so the error table has to read the message: one that talks about the token
 * is REFRESH, anything else is FAIL on the listings and SKIP on a single org node.
 */
public final class WuhanDialect implements VendorDialect {

    public static final String MEMBERS_PATH = "/user/openapi/user/get-org-member-simple-list";
    public static final String PARENTS_PATH = "/user/openapi/user/get-org-parents-list";
    public static final String CHILD_LIST_PATH = "/user/openapi/org-tree/get-child-list";
    public static final String ORG_INFO_PATH = "/user/openapi/org/get-org-info";

    static final String OK = "000000";
    /** validTime above this is an absolute Unix time in seconds, at or below it a lifetime (see expiresAt). */
    static final long ABSOLUTE_VALID_TIME = 1_000_000_000L;
    /** Used when validTime is missing or already past: short, and a rejected token is refreshed anyway. */
    static final Duration FALLBACK_LIFETIME = Duration.ofMinutes(30);

    /** Answers about one org node: a node that is gone or not open to the app is skipped, not fatal. */
    private static final Set<String> NODE_PATHS = Set.of(CHILD_LIST_PATH, ORG_INFO_PATH);

    private static final Logger LOG = LoggerFactory.getLogger(WuhanDialect.class);

    private final String source;
    private final String appId;
    private final String appKey;
    private final Clock clock;

    public WuhanDialect(String source, String appId, String appKey, Clock clock) {
        this.source = source;
        this.appId = appId;
        this.appKey = appKey;
        this.clock = clock;
    }

    @Override
    public AccessToken fetchToken(TokenRequest request) {
        String timeStamp = Long.toString(clock.millis());
        Map<String, String> body = new LinkedHashMap<>();
        body.put("appId", appId);
        body.put("timeStamp", timeStamp);
        // the appKey only keys the signature; it never travels
        body.put("keyInfo", keyInfo(appId, appKey, timeStamp));
        JsonNode answer = request.post(body);
        String retCode = answer.path("retCode").asText("");
        String retDesc = answer.path("retDesc").asText("");
        if (!OK.equals(retCode)) {
            throw tokenRefused(retCode, retDesc);
        }
        JsonNode info = answer.path("tokenInfo");
        String token = info.path("accessToken").asText("");
        if (token.isEmpty()) {
            throw VendorFailure.fail(source + ": getAccessToken answered retCode " + OK + " without tokenInfo.accessToken");
        }
        return new AccessToken(token, expiresAt(info.path("validTime")));
    }

    /** Hex HMAC-SHA1 of {@code appId + appKey + timeStamp} keyed with the appKey, upper case as the vendor's sample clients send it. */
    static String keyInfo(String appId, String appKey, String timeStamp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(appKey.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] digest = mac.doFinal((appId + appKey + timeStamp).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available in this JVM", e);
        }
    }

    /**
     * The vendor does not document {@code validTime}. Read here: above 10^9 it is the absolute
     * expiry in Unix seconds (the sample looks like one), otherwise the lifetime in seconds. The
     * token cache renews a margin before whatever this returns.
     */
    Instant expiresAt(JsonNode validTime) {
        Instant now = clock.instant();
        long value;
        try {
            value = Long.parseLong(validTime.asText("").trim());
        } catch (NumberFormatException e) {
            LOG.warn("{}: getAccessToken gave no usable validTime; assuming the token lasts {} minutes", source,
                    FALLBACK_LIFETIME.toMinutes());
            return now.plus(FALLBACK_LIFETIME);
        }
        Instant expiry = value > ABSOLUTE_VALID_TIME ? Instant.ofEpochSecond(value) : now.plusSeconds(Math.max(0, value));
        if (!expiry.isAfter(now)) {
            // a clock behind the vendor's would otherwise fetch a token for every call
            LOG.warn("{}: getAccessToken gave validTime {}, which is not in the future by this machine's clock; "
                    + "assuming {} minutes (check the clock)", source, value, FALLBACK_LIFETIME.toMinutes());
            return now.plus(FALLBACK_LIFETIME);
        }
        return expiry;
    }

    private VendorFailure tokenRefused(String retCode, String retDesc) {
        String detail = "retCode " + retCode + " (" + VendorText.quote(retDesc, 200) + ")";
        if (retDesc.contains("timeStamp")) {
            return VendorFailure.fail(source + ": getAccessToken refused the request time, " + detail
                    + "; check this machine's clock (the vendor allows a few minutes of skew)");
        }
        if (retDesc.contains("appId")) {
            return new VendorFailure.Misconfigured("orgsync." + source + ".app-id",
                    "the Wuhan Education Cloud does not accept this app id, " + detail);
        }
        // a wrong key shows only as a failed signature check
        return new VendorFailure.Misconfigured("orgsync." + source + ".app-key",
                "the Wuhan Education Cloud rejected the token request signed with this app key, " + detail);
    }

    @Override
    public void authorize(Map<String, String> query, Map<String, String> headers, String token) {
        query.put("accessToken", token);
    }

    /**
     * The token answer has an envelope of its own ({@code retCode}, {@code retDesc}): only its HTTP
     * status is classified here, the rest is {@link #fetchToken}'s to read.
     */
    @Override
    public void checkToken(String method, String path, int httpStatus, HttpHeaders headers, JsonNode body) {
        check(method, path, httpStatus, headers, null);
    }

    @Override
    public void check(String method, String path, int httpStatus, HttpHeaders headers, JsonNode body) {
        String where = source + ": " + method + " " + path;
        if (httpStatus == 429) {
            throw new VendorFailure.RateLimited(where + " answered HTTP 429", retryAfter(headers));
        }
        if (httpStatus >= 500 || httpStatus == 408) {
            throw new VendorFailure.Transient(where + " answered HTTP " + httpStatus, null);
        }
        if (httpStatus != 200) {
            throw VendorFailure.fail(where + " answered HTTP " + httpStatus);
        }
        if (body == null || !body.isObject()) {
            return; // not JSON: the client fails naming why
        }
        JsonNode code = body.get("code");
        if (code == null || code.isNull()) {
            throw VendorFailure.fail(where + " answered without a code (not the {code, message, result} envelope)");
        }
        if (OK.equals(code.asText())) {
            return;
        }
        String message = body.path("message").asText("");
        String detail = "code " + code.asText() + " (" + VendorText.quote(message, 200) + ")";
        if (looksLikeTokenProblem(message)) {
            throw new VendorFailure.TokenRejected(detail);
        }
        if (NODE_PATHS.contains(path)) {
            throw new VendorFailure.Skip(detail);
        }
        if (message.contains("无权")) {
            throw new VendorFailure.Misconfigured("orgsync." + source + ".top-org-id",
                    "the app may not read this institution, " + detail);
        }
        throw VendorFailure.fail(where + " failed, " + detail);
    }

    /** "accessToken无效", "accessToken已过期", "token失效": no code tells them apart from other failures. */
    static boolean looksLikeTokenProblem(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("token") || message.contains("令牌");
    }

    private static Duration retryAfter(HttpHeaders headers) {
        return headers.firstValue("Retry-After")
                .map(String::trim)
                .filter(v -> v.matches("\\d{1,6}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v)))
                .orElse(null);
    }
}
