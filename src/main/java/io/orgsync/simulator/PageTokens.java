package io.orgsync.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page tokens and cursors. Each carries the listing it belongs to and a check value, so a
 * token replayed against another listing, truncated or made up is rejected like the vendor would.
 */
final class PageTokens {

    /**
     * Feishu's tokens are standard base64 with '+' and '/' (see its own sample), so these are too:
     * the fixed prefix bytes guarantee both characters appear, and a client that forgets to
     * URL-encode the token sends '+' as a space and is told the token is invalid.
     */
    private static final byte[] FEISHU_PREFIX = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf};

    private PageTokens() {
    }

    static String feishu(String context, long offset) {
        byte[] payload = payload(context, offset);
        byte[] all = new byte[FEISHU_PREFIX.length + payload.length];
        System.arraycopy(FEISHU_PREFIX, 0, all, 0, FEISHU_PREFIX.length);
        System.arraycopy(payload, 0, all, FEISHU_PREFIX.length, payload.length);
        return Base64.getEncoder().withoutPadding().encodeToString(all);
    }

    /** Offset carried by a Feishu token for this listing, or -1. */
    static long feishuOffset(String token, String context) {
        byte[] all;
        try {
            all = Base64.getDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if (all.length <= FEISHU_PREFIX.length) {
            return -1;
        }
        for (int i = 0; i < FEISHU_PREFIX.length; i++) {
            if (all[i] != FEISHU_PREFIX[i]) {
                return -1;
            }
        }
        return offset(new String(all, FEISHU_PREFIX.length, all.length - FEISHU_PREFIX.length, StandardCharsets.UTF_8),
                context);
    }

    static String wecom(String context, long offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(payload(context, offset));
    }

    static long wecomOffset(String cursor, String context) {
        try {
            return offset(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8), context);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static byte[] payload(String context, long offset) {
        return (context + "|" + offset + "|" + check(context, offset)).getBytes(StandardCharsets.UTF_8);
    }

    private static long offset(String text, String context) {
        int last = text.lastIndexOf('|');
        int middle = last < 0 ? -1 : text.lastIndexOf('|', last - 1);
        if (middle < 0 || !text.substring(0, middle).equals(context)) {
            return -1;
        }
        try {
            long offset = Long.parseLong(text.substring(middle + 1, last));
            return offset >= 0 && text.substring(last + 1).equals(check(context, offset)) ? offset : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String check(String context, long offset) {
        return Long.toHexString(Mix.hash(context.hashCode(), 77, offset) >>> 32);
    }
}
