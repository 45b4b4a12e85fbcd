package io.orgsync.sink.jdbc;

import io.orgsync.model.CanonicalJson;

/**
 * Text as the databases can store it. PostgreSQL refuses U+0000 in text, and every driver turns
 * an unpaired UTF-16 surrogate (a broken vendor name) into {@code ?} on the way to UTF-8 — which
 * would make the stored record differ from the fetched one, and the record look updated on every
 * run. The canonical JSON therefore escapes such surrogates (JSON allows {@code \\uD800}, and it
 * reads back as the same Java string); the column projections show U+FFFD in their place.
 */
final class DbText {

    private DbText() {
    }

    /** For a projection column such as {@code name}: NUL and unpaired surrogates become U+FFFD. */
    static String column(String text) {
        return text == null ? null : CanonicalJson.withoutUnpairedSurrogates(text).replace('\0', '\uFFFD');
    }
}
