package io.orgsync;

import io.orgsync.config.SourceName;

import java.util.List;

/** The sources this bundle ships, by name, for tests that exercise one of them. */
public final class Sources {

    public static final SourceName WECOM = named("wecom");
    public static final SourceName WECOM_SCHOOL = named("wecom-school");
    public static final SourceName FEISHU = named("feishu");
    public static final SourceName WUHAN_EDU = named("wuhan-edu");

    private Sources() {
    }

    /** Every known source: for {@code @MethodSource("io.orgsync.Sources#all")}. */
    public static List<SourceName> all() {
        return List.of(SourceName.values());
    }

    private static SourceName named(String id) {
        return SourceName.of(id).orElseThrow(() -> new IllegalStateException("no source '" + id + "' on the class path"));
    }
}
