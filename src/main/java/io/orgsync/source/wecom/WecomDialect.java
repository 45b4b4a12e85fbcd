package io.orgsync.source.wecom;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.source.AccessToken;
import io.orgsync.source.VendorDialect;
import io.orgsync.source.VendorFailure;
import io.orgsync.source.TokenRequest;
import io.orgsync.source.VendorText;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * WeCom (企业微信) and its school contacts: {@code gettoken}, {@code access_token} in the query,
 * answers that carry {@code errcode} with HTTP 200. The table (docs/sources.md, after WeCom's
 * global error codes page) branches on {@code errcode} only, because {@code errmsg} text changes
 * and carries hints.
 */
public final class WecomDialect implements VendorDialect {

    /** errcode -1, system busy: WeCom's error table says to retry at most three times. */
    static final int VENDOR_RETRY_LIMIT = 3;

    private final String source;
    private final String corpId;
    private final String corpSecret;
    private final Clock clock;

    public WecomDialect(String source, String corpId, String corpSecret, Clock clock) {
        this.source = source;
        this.corpId = corpId;
        this.corpSecret = corpSecret;
        this.clock = clock;
    }

    @Override
    public AccessToken fetchToken(TokenRequest request) {
        Map<String, String> credentials = new LinkedHashMap<>();
        credentials.put("corp-id", corpId);
        credentials.put("corp-secret", corpSecret);
        JsonNode answer = request.get(credentials);
        String token = answer.path("access_token").asText("");
        if (token.isEmpty()) {
            throw VendorFailure.fail(source + ": gettoken answered without access_token");
        }
        long expiresIn = answer.path("expires_in").asLong(7200);
        return new AccessToken(token, clock.instant().plus(Duration.ofSeconds(expiresIn)));
    }

    @Override
    public void authorize(Map<String, String> query, Map<String, String> headers, String token) {
        query.put("access_token", token);
    }

    @Override
    public void check(String method, String path, int httpStatus, HttpHeaders headers, JsonNode body) {
        String where = source + ": " + method + " " + path;
        if (httpStatus == 429) {
            throw new VendorFailure.RateLimited(where + " answered HTTP 429", null);
        }
        if (httpStatus >= 500 || httpStatus == 408) {
            throw new VendorFailure.Transient(where + " answered HTTP " + httpStatus, null);
        }
        if (httpStatus != 200) {
            throw VendorFailure.fail(where + " answered HTTP " + httpStatus);
        }
        if (body == null || !body.isObject()) {
            return;
        }
        int errcode = body.path("errcode").asInt(0);
        if (errcode == 0) {
            return;
        }
        String detail = "errcode " + errcode + " (" + VendorText.quote(body.path("errmsg").asText("").split(",")[0], 200)
                + ")";
        switch (errcode) {
            case -1 -> throw new VendorFailure.Transient(where + ": system busy, " + detail, null, VENDOR_RETRY_LIMIT);
            case 40013 -> throw new VendorFailure.Misconfigured("orgsync." + source + ".corp-id",
                    "WeCom rejected the corp id, " + detail);
            case 40001 -> throw new VendorFailure.Misconfigured("orgsync." + source + ".corp-secret",
                    "WeCom rejected the secret, " + detail);
            case 40014, 42001 -> throw new VendorFailure.TokenRejected(detail);
            // the client always sends the token, so its absence is our bug, not the user's
            case 41001 -> throw VendorFailure.fail(where + ": the request reached WeCom without an access_token, "
                    + detail);
            // the block lasts the rest of the window (a minute for the per-minute limit)
            case 45009 -> throw new VendorFailure.RateLimited(where + ": frequency limit, " + detail, null);
            case 45033 -> throw new VendorFailure.RateLimited(where + ": too many concurrent calls, " + detail,
                    Duration.ofSeconds(1), true);
            case 48002 -> throw new VendorFailure.Misconfigured("orgsync." + source + ".corp-secret",
                    "this app's secret may not call " + path + ", " + detail);
            // a type of its own: the wecom routes switch to the id-only APIs on it
            case 48009 -> throw new ContactSyncRefused(where, path, detail);
            // a type of its own: the wecom routes re-plan department/list's whole tree per department on it
            case 45029 -> throw new AnswerTooLarge(where, detail);
            case 60020 -> throw VendorFailure.fail(where + ": this machine's IP is not in the app's trusted IPs, "
                    + detail);
            case 60003, 60123, 60011, 60111 -> throw new VendorFailure.Skip(detail);
            default -> throw VendorFailure.fail(where + " failed, " + detail);
        }
    }
}
