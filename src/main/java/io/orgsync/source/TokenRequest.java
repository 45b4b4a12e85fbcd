package io.orgsync.source;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * The token request, as a dialect sees it: what the request carries (credentials in the query or
 * the JSON body), never where it goes. The address is the token route's camel-http endpoint
 * ({@code <source>-token-template} in the source's route file), so it is written in one place.
 */
public interface TokenRequest {

    /**
     * The exchange property holding {@link #get}'s credentials, each URL-encoded, by the tenant's
     * key suffix ({@code corp-id}): the token route writes the vendor's query from it, where an
     * engineer reads which credential fills which parameter, and the values stay off the
     * endpoint's URI.
     */
    String CREDENTIALS = "orgsyncCredentials";

    /** Sends the request with no body, {@code credentials} for its query ({@value #CREDENTIALS}); the answer, classified. */
    JsonNode get(Map<String, String> credentials);

    /** Sends the request with {@code jsonBody}, marshalled by the token route; the answer, classified. */
    JsonNode post(Object jsonBody);
}
