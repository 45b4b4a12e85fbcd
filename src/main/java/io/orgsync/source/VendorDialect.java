package io.orgsync.source;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * What differs between vendors: how a token is obtained, where it goes on a request, and what an
 * answer means. Everything else (pacing, retries, counting, size limits) is {@link VendorConnection}'s.
 */
public interface VendorDialect {

    /** Obtains a fresh token through {@code request}, which paces, counts and retries transient faults. */
    AccessToken fetchToken(TokenRequest request);

    /** Puts the token on a business call: a query parameter or a header. */
    void authorize(Map<String, String> query, Map<String, String> headers, String token);

    /**
     * Classifies an answer. Returns normally for success; throws a {@link VendorFailure} subtype
     * for everything else. {@code body} is {@code null} when the answer was not JSON.
     */
    void check(String method, String path, int httpStatus, java.net.http.HttpHeaders headers, JsonNode body);

    /**
     * Classifies the token route's answer, whatever path the route's endpoint names: by default as
     * any other answer. A vendor whose token errors mean something else (a key to fix) says so here.
     */
    default void checkToken(String method, String path, int httpStatus, java.net.http.HttpHeaders headers,
                            JsonNode body) {
        check(method, path, httpStatus, headers, body);
    }

    /**
     * The API a path belongs to, as the vendor counts it for rate limits: pacing is per API, and a
     * path that carries an id (Feishu {@code /departments/{id}/children}) is still one API.
     */
    default String api(String path) {
        return path;
    }
}
