package io.orgsync.config;

import io.orgsync.source.SourceDefinition;
import io.orgsync.source.feishu.FeishuSource;
import io.orgsync.source.wecom.WecomSource;
import io.orgsync.source.wecomschool.WecomSchoolSource;
import io.orgsync.source.wuhan.WuhanEduSource;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The sources orgsync knows, in the order messages list them: the one place a new source is
 * registered. Everything about a source is its {@link SourceDefinition}; a constant only names it
 * for code and tests.
 */
public enum SourceName {
    WECOM(new WecomSource()),
    WECOM_SCHOOL(new WecomSchoolSource()),
    FEISHU(new FeishuSource()),
    WUHAN_EDU(new WuhanEduSource());

    private final SourceDefinition definition;

    SourceName(SourceDefinition definition) {
        this.definition = definition;
    }

    public SourceDefinition definition() {
        return definition;
    }

    public String id() {
        return definition.id();
    }

    public String key(String suffix) {
        return "orgsync." + id() + "." + suffix;
    }

    public static Optional<SourceName> of(String id) {
        return Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst();
    }

    /** {@code wecom, wecom-school, feishu, wuhan-edu}: what a message offers instead of an unknown name. */
    public static String known() {
        return Arrays.stream(values()).map(SourceName::id).collect(Collectors.joining(", "));
    }
}
