package io.orgsync.run;

import io.orgsync.model.CanonicalRecord;

/**
 * One line of {@code changes.jsonl} and one entry of a webhook {@code changes} array. A delete
 * carries the last known record.
 */
public record Change(ChangeOp op, CanonicalRecord record) {
}
