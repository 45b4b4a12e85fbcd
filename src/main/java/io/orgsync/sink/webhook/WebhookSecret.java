package io.orgsync.sink.webhook;

import java.util.Base64;

/**
 * A Standard Webhooks signing secret, {@code whsec_} followed by the base64 key. Only the decoded
 * key is kept, and nothing prints it: {@link #toString()} is a fixed mask, and parse errors name
 * the problem, never the value, because a misconfigured secret is still a secret (it may be the
 * right one with a stray quote).
 */
public final class WebhookSecret {

    public static final String PREFIX = "whsec_";

    /** The Standard Webhooks specification asks for 24 to 64 random bytes. */
    static final int MIN_BYTES = 24;
    static final int MAX_BYTES = 64;

    private final byte[] key;

    private WebhookSecret(byte[] key) {
        this.key = key;
    }

    /**
     * @throws IllegalArgumentException with a message that describes the problem without quoting
     *                                  any part of {@code value}
     */
    public static WebhookSecret parse(String value) {
        if (value == null || !value.startsWith(PREFIX)) {
            throw new IllegalArgumentException("does not start with " + PREFIX + " (expected " + PREFIX
                    + " followed by the base64 key the receiver shares)");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(value.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            // the decoder's message quotes the offending character; drop it
            throw new IllegalArgumentException("is not " + PREFIX + " followed by standard base64");
        }
        if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw new IllegalArgumentException("decodes to " + key.length + " bytes; the Standard Webhooks "
                    + "specification asks for " + MIN_BYTES + " to " + MAX_BYTES + " random bytes");
        }
        return new WebhookSecret(key);
    }

    /** A copy, so that no caller can change the key the signer uses. */
    byte[] key() {
        return key.clone();
    }

    @Override
    public String toString() {
        return PREFIX + "***";
    }
}
