package io.orgsync.run;

import io.orgsync.config.OrgSyncSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which sinks a run goes to, by the names the sink routes stage them under, in commit order.
 *
 * <p>The {@link StateStore} is the first sink of every successful run, listed in
 * {@code orgsync.sinks} or not: it is staged before and committed before the others, so the state
 * the next run compares with never lags what was published. Then come the other sinks of
 * {@code orgsync.sinks}, the webhook last — or, for a run a sink Kamelet took over, that
 * Kamelet's own sink ({@value RunCoordinator#KAMELET_SINK}), whatever {@code orgsync.sinks} says.
 */
final class RunSinks {

    private static final Logger LOG = LoggerFactory.getLogger("io.orgsync.run");

    private final OrgSyncSettings settings;
    private final StateStore state;
    private final Map<String, Sink> sinks;

    RunSinks(OrgSyncSettings settings, StateStore state, Map<String, Sink> sinks) {
        this.settings = settings;
        this.state = state;
        this.sinks = Map.copyOf(sinks);
    }

    List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(state.name());
        // the webhook last: receivers hear of a run only once the database and the files show it
        settings.sinks().stream().filter(sink -> !sink.equals(state.name()))
                .sorted(Comparator.comparing((String sink) -> sink.equals("webhook")).thenComparing(s -> s))
                .forEach(names::add);
        return names;
    }

    List<String> names(Map<String, Object> properties) {
        Optional<Sink> own = kameletSink(properties);
        if (own == null) {
            return names();
        }
        return own.isEmpty() ? List.of(state.name()) : List.of(state.name(), RunCoordinator.KAMELET_SINK_NAME);
    }

    /**
     * Whether the run goes to the jdbc sink's tables: {@code orgsync.sinks} lists it, or a JDBC
     * sink Kamelet (whose sink is the state store itself) took the run over.
     */
    boolean publishesTables(Map<String, Object> properties) {
        Optional<Sink> own = kameletSink(properties);
        return own == null ? settings.sinks().contains(state.name()) : own.isEmpty();
    }

    /** {@link #names(Map)} but the state store's: what commits after the database did. */
    List<String> besidesState(Map<String, Object> properties) {
        return names(properties).stream().filter(sink -> !sink.equals(state.name())).toList();
    }

    /** Best effort: the run is committed; the summary line and exit code still carry the figure. */
    void amendEverywhere(Manifest manifest, Map<String, Object> properties) {
        Optional<Sink> kameletSink = kameletSink(properties);
        try {
            state.amend(manifest);
        } catch (Exception e) {
            LOG.warn("could not record the delivery failures of run {} in the '{}' sink: {}", manifest.runId(),
                    state.name(), e.getMessage());
        }
        List<Sink> targets = new ArrayList<>();
        if (kameletSink != null) {
            kameletSink.ifPresent(targets::add);
        } else {
            settings.sinks().stream().map(sinks::get).filter(Objects::nonNull).forEach(targets::add);
        }
        for (Sink sink : targets) {
            try {
                sink.amend(manifest);
            } catch (Exception e) {
                LOG.warn("could not record the delivery failures of run {} in the '{}' sink: {}", manifest.runId(),
                        sink.name(), e.getMessage());
            }
        }
    }

    /** The sink Kamelet's own sink (empty: the state store alone); {@code null} off a sink Kamelet. */
    @SuppressWarnings("unchecked")
    private static Optional<Sink> kameletSink(Map<String, Object> properties) {
        return (Optional<Sink>) properties.get(RunCoordinator.KAMELET_SINK);
    }
}
