package io.orgsync.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sinks of one run have staged, for committing in order: the state store first, then
 * the others in the order {@code RunCoordinator.sinkEndpoints} names them, the webhook last.
 * Staging is invisible, so its order does not matter; committing is what must be ordered. A sink
 * that finishes staging after the run has already failed is told so, and discards its work itself.
 */
final class StagedSinks {

    private final List<String> commitOrder;
    private final Map<String, Sink.Staged> staged = new HashMap<>();
    private boolean released;

    StagedSinks(List<String> commitOrder) {
        this.commitOrder = List.copyOf(commitOrder);
    }

    /** @return false when the run already ended: the caller must close {@code work} itself */
    synchronized boolean add(String sink, Sink.Staged work) {
        if (released) {
            return false;
        }
        if (!commitOrder.contains(sink)) {
            throw new IllegalStateException("sink '" + sink + "' is not one of this run's sinks " + commitOrder);
        }
        if (staged.putIfAbsent(sink, work) != null) {
            throw new IllegalStateException("sink '" + sink + "' staged the run twice");
        }
        return true;
    }

    /**
     * Every sink's staged work in commit order, once all have staged; nothing more can be added.
     *
     * @throws IllegalStateException when a sink of the run has not staged
     */
    synchronized List<Sink.Staged> complete() {
        List<Sink.Staged> ordered = new ArrayList<>();
        for (String sink : commitOrder) {
            Sink.Staged work = staged.get(sink);
            if (work == null) {
                throw new IllegalStateException("sink '" + sink + "' has not staged the run");
            }
            ordered.add(work);
        }
        released = true;
        staged.clear();
        return ordered;
    }

    /** Whatever was staged, in commit order; sinks still staging find the run ended. */
    synchronized List<Sink.Staged> release() {
        List<Sink.Staged> ordered = new ArrayList<>();
        for (String sink : commitOrder) {
            Sink.Staged work = staged.get(sink);
            if (work != null) {
                ordered.add(work);
            }
        }
        released = true;
        staged.clear();
        return ordered;
    }
}
