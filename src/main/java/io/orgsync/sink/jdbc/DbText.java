package io.orgsync.sink.jdbc;

import io.orgsync.model.CanonicalJson;

/**
 * Text as the databases can store it. PostgreSQL refuses U+0000 in text, and every driver turns
 * an unpaired UTF-16 surrogate (a broken vendor name) into {@code ?} on the way to UTF-8 — which
 * would make the stored record differ from the fetched one, and the record look updated on every
 * run. The canonical JSON therefore escapes such surrogates (JSON allows {@code \uD800}, and it
 * reads back as the same Java string); the column projections show U+FFFD in their place.
 */
final class DbText {

    private static final char REPLACEMENT = '\uFFFD';

    private DbText() {
    }

    /** For a projection column such as {@code name}: NUL and unpaired surrogates become U+FFFD. */
    static String column(String text) {
        if (text == null || isClean(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                out.append(REPLACEMENT);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append(REPLACEMENT);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * For JSON text, where NUL is already escaped: unpaired surrogates become {@code \\uXXXX}
     * escapes, so the text survives UTF-8 exactly ({@link CanonicalJson#escapeUnpairedSurrogates}).
     */
    static String json(String json) {
        return CanonicalJson.escapeUnpairedSurrogates(json);
    }

    /** The common case, one pass without allocating: no NUL and no surrogate at all. */
    private static boolean isClean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isSurrogate(c)) {
                // a well-formed pair is fine; look at it properly only when one is found
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }
}
