package io.orgsync.source;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Producer;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.io.EofSensorInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One answer of a vendor, read to its end from the route's camel-http endpoint: its status, its
 * HTTP headers and at most {@code orgsync.http.max-response-mb} of its body. A connection that
 * failed or timed out is a {@link VendorFailure.Transient}, retried by {@link VendorConnection}.
 *
 */
record HttpAnswer(int statusCode, HttpHeaders headers, byte[] body) {

    /**
     * Sends through the route's camel-http endpoint (answers of any status come back as messages;
     * the body is the answer's stream) and reads the whole answer, at most
     * {@code orgsync.http.max-response-mb} of it.
     */
    static HttpAnswer receive(Exchange exchange, Producer producer, String call, HttpSettings settings) {
        try {
            exchange.setException(null);
            producer.process(exchange);
            if (exchange.getException() != null) {
                throw exchange.getException();
            }
        } catch (Exception e) {
            exchange.setException(null);
            throw transportFailure(e, call, settings);
        }
        Message message = exchange.getMessage();
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        HttpHeaders headers = headers(message);
        Object body = message.getBody();
        // the exchange never holds the open answer: on a failure Camel's stream caching would read
        // it whole (a hostile 400 MB answer) to keep it for the error handler
        message.setBody(null);
        byte[] bytes;
        if (body == null) {
            bytes = new byte[0];
        } else if (body instanceof InputStream stream) {
            InputStream in = new LimitedInputStream(stream, settings.maxResponseBytes());
            try {
                bytes = in.readAllBytes();
                stream.close();
            } catch (LimitedInputStream.TooLargeException e) {
                hangUp(stream);
                throw VendorFailure.fail(call + " answered a response larger than "
                        + settings.maxResponseBytes() + " bytes (orgsync.http.max-response-mb); refused after reading "
                        + "that much, HTTP " + status);
            } catch (IOException e) {
                hangUp(stream);
                throw new VendorFailure.Transient("answer cut off: " + e.getClass().getSimpleName(), e);
            }
        } else {
            bytes = exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, body);
        }
        return new HttpAnswer(status == null ? 0 : status, headers, bytes);
    }

    /** An answer refused half-read is hung up on, not read to its end to keep the connection. */
    private static void hangUp(InputStream stream) {
        try {
            if (stream instanceof EofSensorInputStream sensor) {
                sensor.abort();
            } else {
                stream.close();
            }
        } catch (IOException ignored) {
            // the connection is dropped either way
        }
    }

    private static RuntimeException transportFailure(Exception e, String call, HttpSettings settings) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectTimeoutException) {
                return new VendorFailure.Transient("connect timeout after " + seconds(settings.connectTimeout()), e);
            }
            if (cause instanceof SocketTimeoutException) {
                return new VendorFailure.Transient("no answer within " + seconds(settings.readTimeout()), e);
            }
            if (cause instanceof IOException io) {
                return new VendorFailure.Transient("connection failed: " + io.getClass().getSimpleName()
                        + (io.getMessage() == null ? "" : " " + io.getMessage()), e);
            }
        }
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        return VendorFailure.fail(call + ": " + e.getClass().getSimpleName() + " while calling the vendor", e);
    }

    /** The answer's HTTP headers as the dialects read them (names compared ignoring case), Camel's own left out. */
    private static HttpHeaders headers(Message message) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        message.getHeaders().forEach((name, value) -> {
            if (!name.startsWith("Camel") && value != null) {
                byName.computeIfAbsent(name, n -> new ArrayList<>()).add(String.valueOf(value));
            }
        });
        return HttpHeaders.of(byName, (name, value) -> true);
    }

    private static String seconds(Duration duration) {
        return duration.truncatedTo(ChronoUnit.MILLIS).toMillis() / 1000.0 + " s";
    }

}
