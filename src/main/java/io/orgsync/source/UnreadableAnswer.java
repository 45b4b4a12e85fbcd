package io.orgsync.source;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.orgsync.model.CanonicalJson;

import java.io.CharConversionException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says why a vendor answer could not be read, and what it looked like, without quoting it.
 *
 * <p>An answer that is not the vendor's JSON is most often a gateway or WAF page, and those echo
 * the request: the access token in the URL, the person looked up, the caller's mobile. Error
 * messages end up in the log, the manifest, the {@code orgsync_run} row and the webhook's
 * completion event, where {@code orgsync.privacy.*} and the no-secrets rule must hold, so nothing
 * of the body is quoted. What identifies the page to an operator is kept: the HTTP status (the
 * caller's message), the content type, the length and, for HTML, the {@code <title>} with every
 * run of five or more digits (mobiles, ID numbers, account numbers), every e-mail address,
 * every token-like string and every {@code key=value} naming a credential masked, cut to
 * {@value #MAX_TITLE} characters. "502 Bad Gateway" and "系统维护中" survive; "13812345678" does not.
 *
 * <p>Jackson's own messages are not used either: "Unrecognized token 'abc…'" quotes the body.
 * The exception's type says enough to name the reason: cut off, not UTF-8, or one of
 * {@link CanonicalJson}'s read limits.
 */
final class UnreadableAnswer {

    static final int MAX_TITLE = 80;
    /** Titles are in the head; a page that hides one further down is not worth scanning for. */
    private static final int TITLE_SCAN_BYTES = 8 * 1024;

    private static final Pattern TITLE = Pattern.compile("<title[^>]*>(.*?)</title", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern EMAIL = Pattern.compile("[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}-]+(\\.[\\p{L}\\p{N}-]+)+");
    private static final Pattern CREDENTIAL = Pattern.compile(
            "(?i)\\b([\\w-]*(token|secret|key|password|passwd|pwd|sign|ticket|session|authorization)[\\w-]*)"
                    + "\\s*[=:]\\s*(bearer\\s+)?\\S+");
    private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+\\S+");
    /** Opaque tokens: long base64/hex-like words, or shorter ones that mix in digits. */
    private static final Pattern TOKEN_LIKE = Pattern.compile(
            "[A-Za-z0-9_~+/=.-]{32,}|(?=[A-Za-z_~+/=.-]*\\d)[A-Za-z0-9_~+/=.-]{16,}");
    /** Five or more digits, also written in groups ("186 1234 5678", "186-1234-5678"). */
    private static final Pattern DIGITS = Pattern.compile("(?:\\d[\\s-]?){4,}\\d");
    private static final Pattern ENTITY = Pattern.compile("&#?\\w{1,8};");

    private UnreadableAnswer() {
    }

    /**
     * Why {@code bytes} is not usable JSON, with the answer's type, length and masked HTML title;
     * {@code parseError} is what Jackson threw, {@code null} when it read nothing at all.
     */
    static String describe(byte[] bytes, String contentType, Throwable parseError) {
        return reason(bytes, parseError) + " (" + facts(bytes, contentType) + ")";
    }

    static String reason(byte[] bytes, Throwable parseError) {
        if (parseError instanceof StreamConstraintsException limit) {
            String what = String.valueOf(limit.getMessage()).toLowerCase(Locale.ROOT);
            if (what.contains("nesting depth")) {
                return "a response nesting deeper than " + CanonicalJson.MAX_NESTING_DEPTH + " levels";
            }
            if (what.contains("string value length")) {
                return "a string longer than " + CanonicalJson.MAX_STRING_LENGTH + " characters";
            }
            if (what.contains("number value length")) {
                return "a number longer than the JSON read limit";
            }
            if (what.contains("name length")) {
                return "a field name longer than the JSON read limit";
            }
            return "a response beyond the JSON read limits";
        }
        if (bytes.length == 0 || parseError == null) {
            return "a body that is not JSON (empty)";
        }
        if (parseError instanceof JsonEOFException) {
            return "a body that is not JSON (cut off before the JSON is complete)";
        }
        if (parseError instanceof CharConversionException
                || String.valueOf(parseError.getMessage()).contains("Invalid UTF-8")) {
            return "a body that is not JSON (bytes that are not UTF-8)";
        }
        return "a body that is not JSON";
    }

    private static String facts(byte[] bytes, String contentType) {
        StringBuilder facts = new StringBuilder(contentType == null || contentType.isBlank()
                ? "no content type" : mask(contentType, 60));
        facts.append(", ").append(bytes.length).append(" bytes");
        String title = title(bytes);
        if (title != null) {
            facts.append(", HTML title \"").append(title).append('"');
        }
        return facts.toString();
    }

    /** The masked {@code <title>} of an HTML page, {@code null} when there is none. */
    static String title(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, TITLE_SCAN_BYTES), StandardCharsets.UTF_8);
        Matcher m = TITLE.matcher(head);
        if (!m.find()) {
            return null;
        }
        return mask(m.group(1), MAX_TITLE);
    }

    /**
     * Masks what could identify a person or grant access. The order matters: e-mails before
     * tokens (an address is token-like), credentials before digits (a key's value may be digits).
     */
    static String mask(String text, int max) {
        String masked = ENTITY.matcher(text).replaceAll(" ");
        masked = masked.replaceAll("[\\p{Cntrl}\\p{Cf}]+", " ");
        masked = EMAIL.matcher(masked).replaceAll("<email>");
        masked = CREDENTIAL.matcher(masked).replaceAll("$1=<masked>");
        masked = BEARER.matcher(masked).replaceAll("Bearer <masked>");
        masked = TOKEN_LIKE.matcher(masked).replaceAll("<masked>");
        masked = DIGITS.matcher(masked).replaceAll("<digits>");
        // quotes and angle brackets other than our markers would let the title pass for message structure
        masked = masked.replace('"', '\'').replaceAll("\\s+", " ").strip();
        if (masked.codePointCount(0, masked.length()) > max) {
            masked = masked.substring(0, masked.offsetByCodePoints(0, max)) + "…";
        }
        return masked;
    }
}
