package io.orgsync.run;

/**
 * A destination for successful runs. {@link #publish} is all-or-nothing: when it throws, what the
 * sink showed before the call is unchanged.
 */
public interface Sink {

    /** The {@code orgsync.sinks} name: {@code file}, {@code jdbc}, {@code webhook}. */
    String name();

    void publish(RunResult result) throws Exception;
}
