package io.orgsync.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The canonical member roles of CONTRACT section 3. */
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
