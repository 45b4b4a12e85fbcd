package io.orgsync.sink.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Signs messages as the Standard Webhooks specification asks: HMAC-SHA256 with the decoded secret
 * over {@code <webhook-id>.<webhook-timestamp>.<body>}, sent as {@code v1,<base64>}. With two
 * secrets (rotation) the header carries both signatures, space separated, so a receiver holding
 * either secret accepts the message.
 */
public final class StandardWebhookSigner {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    public static final String CONTENT_TYPE = "content-type";
    public static final String JSON = "application/json";

    private static final String ALGORITHM = "HmacSHA256";

    private final List<SecretKeySpec> keys;

    public StandardWebhookSigner(List<WebhookSecret> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is needed to sign");
        }
        this.keys = secrets.stream().map(s -> new SecretKeySpec(s.key(), ALGORITHM)).toList();
    }

    /** The {@code webhook-signature} value: {@code v1,<base64>} per secret, space separated. */
    public String signature(String id, long timestamp, byte[] body) {
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        StringJoiner header = new StringJoiner(" ");
        for (SecretKeySpec key : keys) {
            Mac mac = mac(key);
            mac.update(prefix);
            mac.update(body);
            header.add("v1," + Base64.getEncoder().encodeToString(mac.doFinal()));
        }
        return header.toString();
    }

    /** The headers of one attempt, in the order they are sent; none of them is secret. */
    public Map<String, String> headers(String id, long timestamp, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CONTENT_TYPE, JSON);
        headers.put(ID, id);
        headers.put(TIMESTAMP, Long.toString(timestamp));
        headers.put(SIGNATURE, signature(id, timestamp, body));
        return headers;
    }

    private static Mac mac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            // every Java SE runtime must provide HmacSHA256; reaching this means a broken JRE
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    @Override
    public String toString() {
        return "StandardWebhookSigner[" + keys.size() + " secret(s)]";
    }
}
