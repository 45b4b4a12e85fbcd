package io.orgsync.run;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

public enum ChangeOp {
    CREATE, UPDATE, DELETE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
