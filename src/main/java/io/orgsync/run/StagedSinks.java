package io.orgsync.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger("io.orgsync.run");

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

    /**
     * Commits every sink's work in order, once all have staged ({@link #complete}).
     *
     * @param stateCommitted told as soon as the first sink, the state store, committed: the run is
     *                       then applied, whatever a later sink does
     * @return the committed work, in commit order
     */
    List<Sink.Staged> commit(String runId, Runnable stateCommitted) throws Exception {
        List<Sink.Staged> staged = complete();
        for (int i = 0; i < staged.size(); i++) {
            try {
                staged.get(i).commit();
                if (i == 0) {
                    stateCommitted.run();
                }
            } catch (Exception e) {
                if (i > 0) {
                    // the sinks before it already show this run; the next successful run realigns them
                    LOG.error("run {} became visible in {} sink(s) before a commit failed: {}", runId, i,
                            e.getMessage());
                }
                // released here (closing a committed one changes nothing): the error policy finds nothing staged
                for (Sink.Staged work : staged) {
                    if (i > 0) {
                        work.closeAfterStateCommitted();
                    } else {
                        work.close();
                    }
                }
                throw e;
            }
        }
        return staged;
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
