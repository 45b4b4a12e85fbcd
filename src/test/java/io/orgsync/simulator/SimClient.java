package io.orgsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A plain JDK HttpClient speaking to the simulator the way a vendor client would. */
final class SimClient {

    static final ObjectMapper MAPPER = new ObjectMapper();

    record Resp(int status, String contentType, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final VendorSimulator sim;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    SimClient(VendorSimulator sim) {
        this.sim = sim;
    }

    /** Query values are URL-encoded, as every client must (Feishu page tokens contain '+' and '/'). */
    static String query(Object... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                m.put(pairs[i].toString(), pairs[i + 1].toString());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : m.entrySet()) {
            sb.append(sb.length() == 0 ? "?" : "&")
                    .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    Resp get(String pathAndQuery, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + pathAndQuery)).GET()
                .timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    Resp post(String pathAndQuery, Object jsonBody, String... headers) {
        String body;
        try {
            body = jsonBody instanceof String s ? s : MAPPER.writeValueAsString(jsonBody);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json; charset=utf-8")
                .timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    private Resp send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Resp(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- tokens

    String wecomToken() {
        Credentials c = sim.credentials();
        return get("/cgi-bin/gettoken" + query("corpid", c.wecomCorpId(), "corpsecret", c.wecomCorpSecret()))
                .json().get("access_token").asText();
    }

    String schoolToken() {
        Credentials c = sim.credentials();
        return get("/cgi-bin/gettoken" + query("corpid", c.wecomSchoolCorpId(), "corpsecret", c.wecomSchoolCorpSecret()))
                .json().get("access_token").asText();
    }

    String feishuToken() {
        Credentials c = sim.credentials();
        return post("/open-apis/auth/v3/tenant_access_token/internal",
                Map.of("app_id", c.feishuAppId(), "app_secret", c.feishuAppSecret()))
                .json().get("tenant_access_token").asText();
    }

    Resp wuhanTokenCall(String appKey, long timeStamp, boolean upperCase) {
        Credentials c = sim.credentials();
        String ts = Long.toString(timeStamp);
        String key = WuhanApi.keyInfo(c.wuhanAppId(), appKey, ts);
        return post("/apigateway/getAccessToken",
                Map.of("appId", c.wuhanAppId(), "timeStamp", ts, "keyInfo", upperCase ? key.toUpperCase() : key));
    }

    String wuhanToken() {
        return wuhanTokenCall(sim.credentials().wuhanAppKey(), System.currentTimeMillis(), true)
                .json().get("tokenInfo").get("accessToken").asText();
    }

    // ---------------------------------------------------------------- vendor calls with a fresh token

    Resp wecom(String path, Object... query) {
        Object[] all = new Object[query.length + 2];
        all[0] = "access_token";
        all[1] = path.startsWith("/cgi-bin/school/") ? schoolToken() : wecomToken();
        System.arraycopy(query, 0, all, 2, query.length);
        return get(path + query(all));
    }

    Resp feishu(String path, Object... query) {
        return get(path + query(query), "Authorization", "Bearer " + feishuToken());
    }

    Resp wuhan(String path, Object... query) {
        Object[] all = new Object[query.length + 2];
        all[0] = "accessToken";
        all[1] = wuhanToken();
        System.arraycopy(query, 0, all, 2, query.length);
        return get(path + query(all));
    }
}
