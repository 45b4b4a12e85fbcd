package io.orgsync.source;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** The unauthenticated call a dialect uses to fetch its token. */
public interface VendorHttp {

    JsonNode get(String path, Map<String, String> query);

    JsonNode post(String path, Map<String, String> query, Object jsonBody);
}
