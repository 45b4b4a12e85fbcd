package io.orgsync.source;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A vendor call as a route wrote it, e.g. {@code toD: "{{vendor}}/cgi-bin/user/list?department_id=${body}"}:
 * read once from the exchange, so that every attempt (a retry, a new token, a listing started over)
 * sends the same request. The method is {@code CamelHttpMethod}'s, GET when the route set none;
 * a POST sends the body the route marshalled.
 *
 * <p>Camel's {@code toD} hands an http call over with the path in {@code CamelHttpPath} and the query
 * in {@code CamelHttpQuery} as the route's expression gave them, with some characters escaped
 * ({@code /}, {@code =}, {@code %}, a space as {@code +}) and a literal {@code +} left as it was, as
 * Feishu's page tokens carry it. The query is read back by undoing the escapes only, so a
 * {@code +} stays a {@code +}, and written out again fully encoded. Parameters left empty (the first
 * page has no token) are not sent.
 */
final class VendorRequest {

    private final String method;
    private final String endpointPath;
    private final String basePath;
    private final String pathHeader;
    private final Map<String, String> query;
    private final byte[] body;

    private VendorRequest(String method, String endpointPath, String basePath, String pathHeader,
                          Map<String, String> query, byte[] body) {
        this.method = method;
        this.endpointPath = endpointPath;
        this.basePath = basePath;
        this.pathHeader = pathHeader;
        this.query = Collections.unmodifiableMap(query);
        this.body = body;
    }

    /**
     * @param basePath the path of the tenant's base URL ({@code /proxy/wecom} behind a reverse proxy,
     *                 else empty): the vendor's own path follows it, and that is what the dialect
     *                 classifies and the pacing counts per API
     */
    static VendorRequest of(Exchange exchange, String basePath) {
        Message message = exchange.getMessage();
        String endpoint = exchange.getProperty(ExchangePropertyKey.INTERCEPTED_ENDPOINT, String.class);
        String endpointPath = endpoint == null ? "" : URI.create(endpoint).getRawPath();
        String method = message.getHeader(Exchange.HTTP_METHOD, "GET", String.class);
        byte[] body = "GET".equals(method) || message.getBody() == null ? null
                : exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, message.getBody());
        String full = endpointPath == null ? "" : endpointPath;
        return new VendorRequest(method, full, basePath,
                message.getHeader(Exchange.HTTP_PATH, String.class),
                parse(message.getHeader(Exchange.HTTP_QUERY, String.class)), body);
    }

    String method() {
        return method;
    }

    /** The vendor path, as messages and the pacing per API name it. */
    String path() {
        String path = pathHeader == null ? endpointPath : endpointPath + pathHeader;
        return !basePath.isEmpty() && path.startsWith(basePath + "/") ? path.substring(basePath.length()) : path;
    }

    /** The route's parameters, decoded; the token is added per attempt, never here. */
    Map<String, String> query() {
        return query;
    }

    /** The same request without one parameter (a refused page token). */
    VendorRequest without(String parameter) {
        Map<String, String> fewer = new LinkedHashMap<>(query);
        fewer.remove(parameter);
        return new VendorRequest(method, endpointPath, basePath, pathHeader, fewer, body);
    }

    /** {@code ?department_id=7}: what a warning names the item by, ids and page tokens only. */
    String describe() {
        StringJoiner shown = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((k, v) -> shown.add(k + "=" + v));
        return shown.toString();
    }

    /** Puts this request, with {@code query} and {@code headers} (the token's), on a new exchange to send. */
    void writeTo(Exchange exchange, Map<String, String> query, Map<String, String> headers) {
        Message message = exchange.getIn();
        headers.forEach(message::setHeader);
        message.setHeader(Exchange.HTTP_METHOD, method);
        if (pathHeader != null) {
            message.setHeader(Exchange.HTTP_PATH, pathHeader);
        }
        String encoded = encode(query);
        if (!encoded.isEmpty()) {
            message.setHeader(Exchange.HTTP_QUERY, encoded);
        }
        if (body != null) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        }
        message.setBody(body);
    }

    /** {@code a=1&b=x%2By}: every name and value encoded, empty values left out. */
    static String encode(Map<String, String> query) {
        StringJoiner joined = new StringJoiner("&");
        query.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                joined.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return joined.toString();
    }

    static Map<String, String> parse(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = unescape(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : unescape(pair.substring(eq + 1));
            if (!value.isEmpty()) {
                query.put(name, value);
            }
        }
        return query;
    }

    /** Undoes {@code %XX} escapes only: a {@code +} is kept, as Camel leaves a literal one unescaped. */
    static String unescape(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            int high = -1;
            if (text.charAt(i) == '%' && i + 2 < text.length()
                    && (high = Character.digit(text.charAt(i + 1), 16)) >= 0
                    && Character.digit(text.charAt(i + 2), 16) >= 0) {
                bytes.write(high * 16 + Character.digit(text.charAt(i + 2), 16));
                i += 3;
            } else {
                int codePoint = text.codePointAt(i);
                byte[] raw = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(raw, 0, raw.length);
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
