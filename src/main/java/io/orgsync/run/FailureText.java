package io.orgsync.run;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.RuntimeCamelException;

/** What the summary line and {@code orgsync_run.error} say of the exception that failed a run. */
final class FailureText {

    private FailureText() {
    }

    static String describe(Exception cause) {
        if (cause == null) {
            return "unknown failure";
        }
        Throwable shown = cause;
        // Camel wraps bean failures; the user wants ours
        while (!(shown instanceof RunFailedException) && shown.getCause() != null && shown.getCause() != shown) {
            shown = shown.getCause();
        }
        if (!(shown instanceof RunFailedException)) {
            shown = cause;
            // "Exception occurred during execution on the exchange" and "Multicast processing failed for
            // number 1" (the recipient list of sinks) name nothing: say what went wrong
            while ((shown instanceof RuntimeCamelException || shown instanceof CamelExchangeException)
                    && shown.getCause() != null
                    && shown.getCause() != shown) {
                shown = shown.getCause();
            }
        }
        String message = shown.getMessage();
        if (shown instanceof RunFailedException) {
            return message;
        }
        return shown.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
