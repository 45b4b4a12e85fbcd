package io.orgsync.run;

/**
 * A destination for successful runs, in two phases so that a run reaches every sink or none:
 * {@link #stage} does all the work that can fail, invisibly; only when every sink has staged does
 * the coordinator {@link Staged#commit() commit} each. A staged run that is closed without commit
 * leaves the sink exactly as before.
 */
public interface Sink {

    /** The {@code orgsync.sinks} name: {@code file}, {@code jdbc}, {@code webhook}. */
    String name();

    Staged stage(RunResult result) throws Exception;

    /**
     * The manifest of a committed run changed afterwards (webhook deliveries failed): update what
     * this sink shows of it. Only {@code deliveryFailures} ever changes.
     */
    default void amend(Manifest manifest) throws Exception {
    }

    /** Stage and commit at once, for a single sink. */
    default void publish(RunResult result) throws Exception {
        try (Staged staged = stage(result)) {
            staged.commit();
        }
    }

    interface Staged extends AutoCloseable {

        /** Makes the run visible. Called once, after every sink staged successfully. */
        void commit() throws Exception;

        /** Messages this sink could not deliver during {@link #commit()}; only a webhook has any. */
        default long deliveryFailures() {
            return 0;
        }

        /** Messages of earlier runs this sink delivered first during {@link #commit()}; only a webhook has any. */
        default long earlierDelivered() {
            return 0;
        }

        /** Discards the staged run unless it was committed; never throws. */
        @Override
        void close();

        /**
         * The run failed after the state store committed it, so the run is applied: release what
         * was staged, but keep what must still reach the outside (the webhook outbox). Never throws.
         */
        default void closeAfterStateCommitted() {
            close();
        }
    }
}
