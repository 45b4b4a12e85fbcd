package io.orgsync.config;

import io.orgsync.source.SourceDefinition;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * A source orgsync knows, by the name configuration and messages use. The sources are found, not
 * listed here: each {@code io.orgsync.source.<vendor>} package names its {@link SourceDefinition}
 * in {@code META-INF/services/io.orgsync.source.SourceDefinition} (the JDK's {@link ServiceLoader}),
 * in the order messages list them. So adding a source touches no class outside its package.
 */
public final class SourceName {

    private static final List<SourceName> KNOWN = discover(SourceName.class.getClassLoader());

    private final SourceDefinition definition;

    private SourceName(SourceDefinition definition) {
        this.definition = definition;
    }

    /** The definitions {@code loader} names, in the order its service files list them. */
    static List<SourceName> discover(ClassLoader loader) {
        List<SourceName> found = new ArrayList<>();
        for (SourceDefinition definition : ServiceLoader.load(SourceDefinition.class, loader)) {
            if (found.stream().anyMatch(s -> s.id().equals(definition.id()))) {
                // two definitions of one name would make every key of it ambiguous: a packaging mistake
                throw new IllegalStateException("two source definitions are named '" + definition.id() + "'");
            }
            found.add(new SourceName(definition));
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no source definition found (META-INF/services/"
                    + SourceDefinition.class.getName() + " is missing from the class path)");
        }
        return Collections.unmodifiableList(found);
    }

    /** Every known source, in the order messages list them. */
    public static SourceName[] values() {
        return KNOWN.toArray(new SourceName[0]);
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
        return KNOWN.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** {@code wecom, wecom-school, feishu, wuhan-edu}: what a message offers instead of an unknown name. */
    public static String known() {
        return KNOWN.stream().map(SourceName::id).collect(Collectors.joining(", "));
    }

    /** The id: how configuration, messages and logs name the source. */
    @Override
    public String toString() {
        return id();
    }
}
