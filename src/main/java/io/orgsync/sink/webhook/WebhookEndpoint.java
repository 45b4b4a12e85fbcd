package io.orgsync.sink.webhook;

import java.net.URI;
import java.util.List;

/**
 * One receiver: its position in {@code orgsync.webhook.url} (1-based, as in
 * {@code orgsync.webhook.<index>.secret} and the dead-letter file names), where it is and the
 * secrets its messages are signed with (two while a secret is being rotated).
 */
public record WebhookEndpoint(int index, URI url, List<WebhookSecret> secrets) {

    public WebhookEndpoint {
        secrets = List.copyOf(secrets);
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("webhook #" + index + " has no secret");
        }
    }

    /**
     * The URL without user info and query: receivers sometimes put an access token in the query,
     * and this is the form that goes into log lines, messages and reports.
     */
    public String display() {
        return display(url);
    }

    static String display(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    @Override
    public String toString() {
        return "webhook #" + index + " " + display();
    }
}
