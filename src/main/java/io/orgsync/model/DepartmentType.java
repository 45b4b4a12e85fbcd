package io.orgsync.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The canonical department kinds, the same for every source (docs/sources.md maps each vendor's). */
public enum DepartmentType {
    SCHOOL, CAMPUS, STAGE, GRADE, CLASS, DEPARTMENT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static DepartmentType fromWireName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
