package io.orgsync.source;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * The token request, as a dialect sees it: what the request carries (credentials in the query or
 * the JSON body), never where it goes. The address is the token route's camel-http endpoint
 * ({@code <source>-token-template} in the source's route file), so it is written in one place.
 */
public interface TokenRequest {

    /** Sends the request with {@code query} and no body; the answer, classified, as JSON. */
    JsonNode get(Map<String, String> query);

    /** Sends the request with {@code jsonBody}, marshalled by the token route; the answer, classified. */
    JsonNode post(Object jsonBody);
}
