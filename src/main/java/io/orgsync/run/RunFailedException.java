package io.orgsync.run;

/**
 * A run cannot complete; its message is shown to the user as the run's {@code error}, so it must
 * say what went wrong in the user's terms and never carry a secret.
 */
public class RunFailedException extends RuntimeException {

    public RunFailedException(String message) {
        super(message);
    }

    public RunFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
