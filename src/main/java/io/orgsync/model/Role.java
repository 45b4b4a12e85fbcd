package io.orgsync.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The canonical member roles, the same for every source (docs/sources.md maps each vendor's). */
public enum Role {
    EMPLOYEE, TEACHER, STUDENT, PARENT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role fromWireName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
