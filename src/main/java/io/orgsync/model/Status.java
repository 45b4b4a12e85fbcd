package io.orgsync.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** {@code inactive} covers disabled, frozen, resigned, exited and not yet activated; the raw value stays in attributes. */
public enum Status {
    ACTIVE, INACTIVE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Status fromWireName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
