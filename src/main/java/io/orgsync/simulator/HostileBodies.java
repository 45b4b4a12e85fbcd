package io.orgsync.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/** Builds the {@link FaultInjector.Hostile} answers from the real ones. */
final class HostileBodies {

    /** Marks a response whose body {@link #streamHuge} writes instead of {@link SimResponse#body()}. */
    static final String STREAM_HEADER = "X-Sim-Streamed-Bytes";
    static final String TRICK_NAME = "../../../../tmp/orgsync-escape/\u0000\u0001\u001b[31m\r\n/" + "名".repeat(100_000);
    static final int NESTING = 200_000;
    static final int HUGE_STRING_CHARS = 2_000_000;

    /** The simulator's own answers are small: reading them back needs no raised limits. */
    private static final ObjectMapper READER = JsonMapper.builder().build();

    private HostileBodies() {
    }

    static SimResponse build(FaultInjector.Hostile hostile, SimResponse real, SimRequest request) {
        return switch (hostile) {
            case LEAKY_ERROR_PAGE -> {
                String token = presentedOrIssuedToken(request, real);
                String leak = FaultInjector.LEAKED_MOBILE + " " + FaultInjector.LEAKED_EMAIL + " token=" + token;
                yield SimResponse.text(200, SimResponse.HTML, "<!DOCTYPE html><html><head><title>服务异常 " + leak
                        + "</title></head><body><h1>Request failed</h1><pre>user mobile " + FaultInjector.LEAKED_MOBILE
                        + "\nuser email " + FaultInjector.LEAKED_EMAIL + "\nAuthorization: Bearer " + token
                        + "\nupstream said: " + new String(real.body(), StandardCharsets.UTF_8)
                        + "</pre></body></html>");
            }
            case NESTING_BOMB -> {
                byte[] body = new byte[2 * NESTING];
                java.util.Arrays.fill(body, 0, NESTING, (byte) '[');
                java.util.Arrays.fill(body, NESTING, 2 * NESTING, (byte) ']');
                yield new SimResponse(200, SimResponse.JSON, body, Map.of());
            }
            case INVALID_UTF8 -> {
                String marker = "\u0007INVALID\u0007";
                byte[] text = rewrite(real, n -> new TextNode(n.asText() + marker), false);
                yield new SimResponse(real.status(), real.contentType(), replace(text,
                        "\\u0007INVALID\\u0007".getBytes(StandardCharsets.US_ASCII),
                        new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}), real.headers());
            }
            case HUGE_STRING -> {
                // one name only: the answer must stay under the response-size cap to reach the string cap
                java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
                yield new SimResponse(real.status(), real.contentType(), rewrite(real,
                        n -> first.getAndSet(false) ? new TextNode("x".repeat(HUGE_STRING_CHARS)) : n, false),
                        real.headers());
            }
            case PATH_TRICKS -> new SimResponse(real.status(), real.contentType(),
                    rewrite(real, n -> new TextNode(TRICK_NAME), true), real.headers());
            case HUGE_BODY -> new SimResponse(200, SimResponse.JSON, new byte[0],
                    Map.of(STREAM_HEADER, String.valueOf(FaultInjector.HUGE_BODY_BYTES)));
        };
    }

    /**
     * The token the request carried (WeCom {@code access_token}, Wuhan {@code accessToken}, Feishu
     * {@code Authorization: Bearer}), else the first token-named field of the real answer: the
     * token a token call just issued.
     */
    private static String presentedOrIssuedToken(SimRequest request, SimResponse real) {
        for (String name : new String[] {"access_token", "accessToken"}) {
            String value = request.query(name);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        String bearer = request.header("Authorization");
        if (bearer != null && bearer.startsWith("Bearer ")) {
            return bearer.substring("Bearer ".length());
        }
        try {
            JsonNode answer = READER.readTree(real.body());
            return answer == null ? "" : issuedToken(answer);
        } catch (IOException e) {
            return "";
        }
    }

    private static String issuedToken(JsonNode node) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().toLowerCase(java.util.Locale.ROOT).endsWith("token") && field.getValue().isTextual()) {
                    return field.getValue().asText();
                }
                String inner = issuedToken(field.getValue());
                if (!inner.isEmpty()) {
                    return inner;
                }
            }
        }
        return "";
    }

    /** {"errcode":0,"code":0,"pad":"aaaa…"} of {@code bytes}, written in chunks. */
    static void streamHuge(OutputStream out, long bytes, java.util.concurrent.atomic.LongAdder sent) throws IOException {
        byte[] head = "{\"errcode\":0,\"code\":0,\"pad\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        out.write(head);
        long left = bytes - head.length - 2;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            sent.add(n);
            left -= n;
        }
        out.write("\"}".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] rewrite(SimResponse real, java.util.function.UnaryOperator<JsonNode> name, boolean ids) {
        try {
            JsonNode tree = READER.readTree(real.body());
            walk(tree, name, ids);
            ByteArrayOutputStream out = new ByteArrayOutputStream(real.body().length * 2);
            Json.MAPPER.writeValue(out, tree);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void walk(JsonNode node, java.util.function.UnaryOperator<JsonNode> name, boolean ids) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                // WeCom and Feishu say name, Wuhan org_name and user_name
                if ((field.getKey().equals("name") || field.getKey().endsWith("_name")) && field.getValue().isTextual()) {
                    field.setValue(name.apply(field.getValue()));
                } else if (ids && field.getKey().equals("userid") && field.getValue().isTextual()) {
                    // the same person gets the same hostile id in every answer, so the records stay consistent
                    field.setValue(new TextNode("../" + field.getValue().asText() + "/..\u0000"));
                } else {
                    walk(field.getValue(), name, ids);
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(child -> walk(child, name, ids));
        }
    }

    private static byte[] replace(byte[] text, byte[] what, byte[] with) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length);
        for (int i = 0; i < text.length; ) {
            if (i <= text.length - what.length && java.util.Arrays.equals(text, i, i + what.length, what, 0, what.length)) {
                out.write(with, 0, with.length);
                i += what.length;
            } else {
                out.write(text[i++]);
            }
        }
        return out.toByteArray();
    }
}
