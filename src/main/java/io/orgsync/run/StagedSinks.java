package io.orgsync.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sinks of one run besides the database have staged (exchange property
 * {@value RunCoordinator#STAGED}), for committing in order once the database transaction committed:
 * the files, then the webhook. Staging is invisible, so its order does not matter; committing is
 * what must be ordered. A sink that finishes staging after the run has already failed is told so,
 * and discards its work itself.
 */
public final class StagedSinks {

    private static final Logger LOG = LoggerFactory.getLogger("io.orgsync.run");

    private final List<String> commitOrder;
    private final Map<String, Sink.Staged> staged = new HashMap<>();
    private boolean released;

    StagedSinks(List<String> commitOrder) {
        this.commitOrder = List.copyOf(commitOrder);
    }

    /**
     * A sink route's step: {@code sink} does all its fallible work for the run now, invisibly, and
     * keeps it here until {@link #commit}.
     */
    public void stage(String name, Sink sink, RunResult result) throws Exception {
        Sink.Staged work = sink.stage(result);
        boolean kept = false;
        try {
            kept = add(name, work);
        } finally {
            if (!kept) {
                // another sink failed the run while this one was staging, or this one staged twice
                work.close();
            }
        }
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
     * Commits every sink's work in order, once all have staged ({@link #complete}). The database
     * committed before: a sink failing here leaves the run applied, so every sink keeps what must
     * still reach the outside (the webhook outbox).
     *
     * @return the committed work, in commit order
     */
    List<Sink.Staged> commit(String runId) throws Exception {
        List<Sink.Staged> staged = complete();
        for (int i = 0; i < staged.size(); i++) {
            try {
                staged.get(i).commit();
            } catch (Exception e) {
                // the database and the sinks before this one already show the run; the next successful run realigns them
                LOG.error("run {} became visible in {} sink(s) before a commit failed: {}", runId, i + 1,
                        e.getMessage());
                // released here (closing a committed one changes nothing): the error policy finds nothing staged
                staged.forEach(Sink.Staged::closeAfterStateCommitted);
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
