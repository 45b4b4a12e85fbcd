package io.orgsync.source.feishu;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.source.AccessToken;
import io.orgsync.source.VendorDialect;
import io.orgsync.source.VendorFailure;
import io.orgsync.source.TokenRequest;
import io.orgsync.source.VendorText;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Feishu / Lark contact v3: a tenant token from {@code tenant_access_token/internal}, sent as
 * {@code Authorization: Bearer}, and answers in the {@code {code, msg, data}} envelope where a
 * failure carries both a non-2xx status and a non-zero {@code code}. The table (docs/sources.md)
 * branches on {@code code}, never on {@code msg}.
 *
 * <p>43010 (a department too big to list recursively) is not a failure here: it comes back to
 * the route as an ordinary answer, because the remedy — walking the tree level by level — is a
 * different sequence of calls, which is the route's business, not a retry.
 */
public final class FeishuDialect implements VendorDialect {

    public static final String CHILDREN_API = "/open-apis/contact/v3/departments/:department_id/children";
    public static final String DEPARTMENT_API = "/open-apis/contact/v3/departments/:department_id";
    /** Code of a recursive children listing the vendor refuses for a large tree. */
    public static final int RECURSION_REFUSED = 43010;
    /** Code 40003, internal error: retried at most three times before the run fails, as Feishu's table says. */
    static final int VENDOR_RETRY_LIMIT = 3;

    private static final Pattern CHILDREN_PATH = Pattern.compile("/open-apis/contact/v3/departments/[^/]+/children");
    private static final Pattern DEPARTMENT_PATH = Pattern.compile("/open-apis/contact/v3/departments/[^/]+");

    private final String source;
    private final String appId;
    private final String appSecret;
    private final Clock clock;

    public FeishuDialect(String source, String appId, String appSecret, Clock clock) {
        this.source = source;
        this.appId = appId;
        this.appSecret = appSecret;
        this.clock = clock;
    }

    @Override
    public AccessToken fetchToken(TokenRequest request) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("app_id", appId);
        body.put("app_secret", appSecret);
        JsonNode answer = request.post(body);
        // unlike every business call, the token comes at the top level, not under data
        String token = answer.path("tenant_access_token").asText("");
        if (token.isEmpty()) {
            throw VendorFailure.fail(source + ": tenant_access_token/internal answered without tenant_access_token");
        }
        long expire = answer.path("expire").asLong(7200);
        return new AccessToken(token, clock.instant().plus(Duration.ofSeconds(expire)));
    }

    @Override
    public void authorize(Map<String, String> query, Map<String, String> headers, String token) {
        headers.put("Authorization", "Bearer " + token);
    }

    @Override
    public String api(String path) {
        // the vendor limits per API, so every department's children listing shares one budget
        if (CHILDREN_PATH.matcher(path).matches()) {
            return CHILDREN_API;
        }
        if (DEPARTMENT_PATH.matcher(path).matches()) {
            return DEPARTMENT_API;
        }
        return path;
    }

    @Override
    public void check(String method, String path, int httpStatus, HttpHeaders headers, JsonNode body) {
        String where = source + ": " + method + " " + path;
        int code = body != null && body.isObject() ? body.path("code").asInt(0) : 0;
        // HTTP 429 now, HTTP 400 on legacy APIs: the code is what identifies the limit
        if (httpStatus == 429 || code == 99991400) {
            throw new VendorFailure.RateLimited(where + ": request trigger frequency limit"
                    + (code == 0 ? " (HTTP " + httpStatus + ")" : ", " + detail(body, headers)), reset(headers));
        }
        if (httpStatus >= 500 || httpStatus == 408) {
            throw new VendorFailure.Transient(where + " answered HTTP " + httpStatus
                    + (code == 0 ? "" : ", " + detail(body, headers)), null);
        }
        if (body == null || !body.isObject()) {
            // not JSON: the client names why and describes the answer without quoting it
            return;
        }
        if (!body.has("code")) {
            throw VendorFailure.fail(where + " answered HTTP " + httpStatus + " without Feishu's code field");
        }
        if (code == 0) {
            if (httpStatus / 100 != 2) {
                throw VendorFailure.fail(where + " answered HTTP " + httpStatus + " with code 0");
            }
            return;
        }
        String detail = detail(body, headers);
        switch (code) {
            // an answer, not an exception, on a children listing: the normaliser ends the recursive
            // listing on it and starts the level-by-level walk. Thrown and caught in the route instead
            // (a doTry inside the page loop), the loop did not see the listing's end after the catch
            // and asked for the refused page again and again
            case RECURSION_REFUSED -> {
                if (CHILDREN_PATH.matcher(path).matches()) {
                    return;
                }
                throw VendorFailure.fail(where + " failed, " + detail);
            }
            case 99991663, 99991664, 99991671, 99991668 -> throw new VendorFailure.TokenRejected(detail);
            case 99991661 -> throw VendorFailure.fail(where + ": the request carried no access token (a bug), " + detail);
            case 99991672 -> throw VendorFailure.fail(where + ": the app lacks an API scope; grant "
                    + missingScopes(body) + " in the Feishu developer console, " + detail);
            case 40003 -> throw new VendorFailure.Transient(where + ": internal error at Feishu, " + detail, null,
                    VENDOR_RETRY_LIMIT);
            case 40004 -> throw new VendorFailure.Skip("department not in the app's contact scope, " + detail);
            case 40014 -> throw new VendorFailure.Skip("no authority over the parent department, " + detail);
            case 40008 -> throw new VendorFailure.Skip("department not found, " + detail);
            case 40011 -> throw VendorFailure.fail(where + ": invalid page_size (a bug), " + detail);
            // typically a token that expired while the listing was read: VendorApi starts it again once
            case 40012 -> throw new VendorFailure.PageTokenRejected(where
                    + ": the vendor rejected a page token it issued, " + detail, "page_token");
            case 42008 -> throw VendorFailure.fail(where + ": the token belongs to another tenant, " + detail);
            default -> throw VendorFailure.fail(where + " failed, " + detail);
        }
    }

    /**
     * The token call's refusals name the key to fix; its rate limits and server faults are those of
     * any call.
     */
    @Override
    public void checkToken(String method, String path, int httpStatus, HttpHeaders headers, JsonNode body) {
        int code = body != null && body.isObject() ? body.path("code").asInt(0) : 0;
        if (code == 0 || code == 99991400 || httpStatus == 429 || httpStatus >= 500 || httpStatus == 408) {
            check(method, path, httpStatus, headers, body);
            return;
        }
        tokenFailure(code, detail(body, headers));
    }

    /** What the token call's codes mean for the user: which key to fix. */
    private void tokenFailure(int code, String detail) {
        switch (code) {
            // 10003 "invalid param" names the app id the vendor does not know
            case 10003 -> throw new VendorFailure.Misconfigured("orgsync." + source + ".app-id",
                    "Feishu does not know this app id, " + detail);
            case 10014 -> throw new VendorFailure.Misconfigured("orgsync." + source + ".app-secret",
                    "Feishu rejected the app secret, " + detail);
            default -> throw VendorFailure.fail(source + ": the tenant token was refused, " + detail);
        }
    }

    /** Code, message and the log id Feishu support asks for; never the request, which may hold a token. */
    private static String detail(JsonNode body, HttpHeaders headers) {
        StringBuilder text = new StringBuilder("code ").append(body.path("code").asInt());
        String msg = body.path("msg").asText("");
        if (!msg.isEmpty()) {
            text.append(" (").append(VendorText.quote(msg, 200)).append(')');
        }
        String logId = body.path("error").path("log_id").asText("");
        if (logId.isEmpty() && headers != null) {
            logId = headers.firstValue("X-Tt-Logid").or(() -> headers.firstValue("X-Request-Id")).orElse("");
        }
        if (!logId.isEmpty()) {
            text.append(", log_id ").append(logId);
        }
        return text.toString();
    }

    /** The scopes Feishu lists in {@code error.permission_violations}, else "the scope its message names". */
    private static String missingScopes(JsonNode body) {
        List<String> scopes = new ArrayList<>();
        body.path("error").path("permission_violations").forEach(v -> {
            String subject = v.path("subject").asText("");
            if (!subject.isEmpty()) {
                scopes.add(subject);
            }
        });
        return scopes.isEmpty() ? "the scope its message names" : String.join(" or ", scopes);
    }

    /** {@code x-ogw-ratelimit-reset}: seconds until the window frees; {@code null} lets the client back off. */
    private static Duration reset(HttpHeaders headers) {
        if (headers == null) {
            return null;
        }
        return headers.firstValue("x-ogw-ratelimit-reset").map(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                // whole seconds on the wire: "0" means the window frees within the second
                return seconds >= 0 ? Duration.ofSeconds(Math.max(1, seconds)) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }
}
