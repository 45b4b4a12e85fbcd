/**
 * The {@code webhook} sink (docs/operations.md): each successful run is POSTed to every URL of
 * {@code orgsync.webhook.url} as Standard Webhooks messages, {@code orgsync.changes} batches with
 * {@code seq} 1..n and then one {@code orgsync.run.completed} carrying the manifest.
 *
 * <h2>Delivery guarantees</h2>
 * Delivery is at least once, per URL, in order. Every message carries a {@code webhook-id} that is
 * the same on every attempt and redelivery ({@code msg_<runId>_<seq>}, {@code msg_<runId>_completed}),
 * so receivers deduplicate on it. A URL receives a message only after it accepted (2xx) the one
 * before, so {@code orgsync.run.completed} arrives only after every change of that run. Network
 * errors, timeouts, 408, 429 and 5xx are retried with exponential back-off and jitter, waiting at
 * least as long as {@code Retry-After} asks, up to {@code orgsync.webhook.max-attempts} and within
 * {@code orgsync.webhook.retry-budget-ms}; any other 3xx/4xx is final at once, and 410 Gone stops
 * the run's deliveries to that URL. A message that is not accepted, and every later message of the
 * run for that URL, is written to {@code <orgsync.file.dir>/dead-letter/<runId>/<url#>-<seq>.json}
 * and counted in {@code deliveryFailures}; {@code --redeliver DIR} re-sends them in the same order
 * with the same ids, deleting each file after a 2xx. URLs are independent: one receiver down never
 * delays or fails another.
 *
 * <h2>Dead-letter file</h2>
 * <pre>
 * {"runId":"...","type":"orgsync.changes","webhookId":"msg_..._1","url":"https://...","urlIndex":1,
 *  "position":1,"attempts":6,"failedAt":"2026-11-21T02:05:00Z","lastError":"HTTP 503; ...",
 *  "headers":{"content-type":"application/json","webhook-id":"...","webhook-timestamp":"...",
 *             "webhook-signature":"v1,..."},
 *  "body":{...the message exactly as signed...}}
 * </pre>
 * The secret is never written, logged or printed; the signature in {@code headers} is that of
 * the last attempt, for reference only (redelivery signs again with a fresh timestamp).
 */
package io.orgsync.sink.webhook;
