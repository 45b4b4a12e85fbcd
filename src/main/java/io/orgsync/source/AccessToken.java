package io.orgsync.source;

import java.time.Instant;

/** A vendor access token and when the vendor says it expires. {@link #toString()} never shows the value. */
public record AccessToken(String value, Instant expiresAt) {

    @Override
    public String toString() {
        return "AccessToken[expiresAt=" + expiresAt + "]";
    }
}
