package io.orgsync;

import io.orgsync.config.SourceName;
import io.orgsync.simulator.Vendor;

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

    /** The application of the simulator that stands in for {@code source}'s vendor. */
    public static Vendor simulated(SourceName source) {
        return switch (source.id()) {
            case "wecom" -> Vendor.WECOM;
            case "wecom-school" -> Vendor.WECOM_SCHOOL;
            case "feishu" -> Vendor.FEISHU;
            case "wuhan-edu" -> Vendor.WUHAN;
            default -> throw new IllegalArgumentException("the simulator has no vendor for source " + source.id());
        };
    }

    private static SourceName named(String id) {
        return SourceName.of(id).orElseThrow(() -> new IllegalStateException("no source '" + id + "' on the class path"));
    }
}
