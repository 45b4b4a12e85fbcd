package io.orgsync.source;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The aggregation strategy of a streaming parallel split whose answers must be mapped as a serial
 * run would map them: in split order, whatever order they arrive in. Mapping here, not in the
 * split's steps, makes merged records (a parent listed under several classes, say) come out the
 * same however the fetches interleave.
 *
 * <p>Why streaming, and this buffer, rather than Camel's ordered non-streaming split: that one
 * creates every sub-exchange before the first is sent and keeps them all until the split ends.
 * Over the 22,000 classes of a million-student school they held about 105 MB, and the repeat
 * sync ran out of a 256 MB heap. Here an answer is held only while an earlier one is still in
 * flight, and its body is dropped once it is mapped.
 *
 * <p>Camel calls {@link #aggregate} under the split's lock, one answer at a time, so the
 * per-split state needs no synchronisation of its own. It lives on the split's result exchange:
 * the bean serves every run of its tenant. After the first failure nothing more is mapped; the
 * failure is thrown out of {@link #aggregate}, which Camel makes the split's failure for the
 * route's error policy to handle.
 */
public final class InSplitOrder implements AggregationStrategy {

    /** The per-split state, on the result exchange while the split runs; removed when it ends. */
    static final String WAITING = "orgsyncInSplitOrder";

    private final Consumer<Exchange> mapping;

    public InSplitOrder(Consumer<Exchange> mapping) {
        this.mapping = mapping;
    }

    @Override
    public Exchange aggregate(Exchange done, Exchange next) {
        Exchange result = done == null ? next : done;
        Waiting waiting = result.getProperty(WAITING, Waiting.class);
        if (waiting == null) {
            waiting = new Waiting();
            result.setProperty(WAITING, waiting);
        }
        if (result.getException() != null) {
            next.getMessage().setBody(null);
            return result;
        }
        if (next.getException() != null) {
            result.setException(next.getException());
            waiting.drop();
            return result;
        }
        Integer index = next.getProperty(ExchangePropertyKey.SPLIT_INDEX, Integer.class);
        if (index == null) {
            throw new IllegalStateException("an answer of the split carries no split index; InSplitOrder serves splits only");
        }
        waiting.answers.put(index, next);
        for (Exchange due = waiting.answers.remove(waiting.next); due != null;
             due = waiting.answers.remove(waiting.next)) {
            waiting.next++;
            try {
                mapping.accept(due);
            } catch (RuntimeException e) {
                waiting.drop();
                // thrown, not set on the result: Camel marks a split whose result carries an exception
                // as exhausted, and the route's onException then never fails the run (it ended with no
                // manifest and no summary line); a strategy that throws fails the split as a step does
                throw e;
            } finally {
                due.getMessage().setBody(null);
            }
        }
        return result;
    }

    /**
     * A split that ended without failure must have mapped every answer; one still waiting means an
     * earlier answer never came, and the run would silently miss a class.
     */
    @Override
    public void onCompletion(Exchange result, Exchange input) {
        if (result == null) {
            return;
        }
        Waiting waiting = result.removeProperty(WAITING) instanceof Waiting w ? w : null;
        if (waiting == null || result.getException() != null || waiting.answers.isEmpty()) {
            return;
        }
        int first = waiting.answers.keySet().stream().min(Integer::compare).orElseThrow();
        waiting.drop();
        result.setException(new IllegalStateException("the split ended without answer " + waiting.next
                + "; " + "answers from " + first + " on were never mapped"));
    }

    private static final class Waiting {
        /** Answers that came before an earlier one, by split index. */
        final Map<Integer, Exchange> answers = new HashMap<>();
        /** The split index of the next answer to map. */
        int next;

        void drop() {
            answers.values().forEach(answer -> answer.getMessage().setBody(null));
            answers.clear();
        }
    }
}
