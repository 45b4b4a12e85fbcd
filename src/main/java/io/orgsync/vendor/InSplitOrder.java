package io.orgsync.vendor;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import java.util.function.Consumer;

/**
 * The aggregation strategy of a parallel split whose answers must be mapped as a serial run would
 * map them. Camel aggregates a non-streaming parallel split in split order, whatever order the
 * answers arrive in; mapping here, not in the split's steps, makes merged records (a parent listed
 * under several classes, say) come out the same however the fetches interleave.
 *
 * <p>After the first failure nothing more is mapped; the failure becomes the split's, so the
 * route's error policy fails the run.
 */
public final class InSplitOrder implements AggregationStrategy {

    private final Consumer<Exchange> mapping;

    public InSplitOrder(Consumer<Exchange> mapping) {
        this.mapping = mapping;
    }

    @Override
    public Exchange aggregate(Exchange done, Exchange next) {
        Exchange result = done == null ? next : done;
        if (result.getException() != null) {
            return result;
        }
        if (next.getException() != null) {
            result.setException(next.getException());
            return result;
        }
        try {
            mapping.accept(next);
        } catch (RuntimeException e) {
            result.setException(e);
        }
        // the answer is mapped: a split of thousands keeps none of them
        next.getMessage().setBody(null);
        return result;
    }
}
