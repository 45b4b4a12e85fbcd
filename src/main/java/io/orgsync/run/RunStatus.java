package io.orgsync.run;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

public enum RunStatus {
    /** Still fetching; never published. */
    RUNNING,
    SUCCESS,
    FAILED,
    /** Stopped by the deletion guard: nothing applied or published. */
    HELD;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
