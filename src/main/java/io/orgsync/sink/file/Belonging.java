package io.orgsync.sink.file;

import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.run.Manifest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A record of another tenant in this folder would be read back as this tenant's state. Checked
 * on the record's canonical line, so that a spooled member is not decoded for it: the models
 * write {@code kind}, {@code source} and {@code tenant} first, and Jackson quotes a string the
 * same way wherever it stands, so a line belongs exactly when it starts with {@link #start}.
 * Should the property order ever change, every record fails here rather than any passing.
 */
record Belonging(Manifest m, byte[] start) {

    static Belonging of(String kind, Manifest m) {
        return new Belonging(m, ("{\"kind\":" + CanonicalJson.toEscapedLine(kind) + ",\"source\":"
                + CanonicalJson.toEscapedLine(m.source()) + ",\"tenant\":" + CanonicalJson.toEscapedLine(m.tenant())
                + ",").getBytes(StandardCharsets.UTF_8));
    }

    byte[] check(byte[] line) {
        if (line.length < start.length || !Arrays.equals(line, 0, start.length, start, 0, start.length)) {
            // only now read the record, to say what it is
            CanonicalRecord record = CanonicalJson.fromUtf8Line(line, CanonicalRecord.class);
            if (record == null) {
                throw new IllegalArgumentException("run " + m.runId() + " holds a null record");
            }
            if (!m.source().equals(record.source()) || !m.tenant().equals(record.tenant())) {
                throw new IllegalArgumentException("run " + m.runId() + " of " + m.source() + "/" + m.tenant()
                        + " holds a " + record.kind() + " of " + record.source() + "/" + record.tenant());
            }
            // not the line itself: it holds names and mobiles, and this message reaches the log
            throw new IllegalStateException("the canonical line of " + record.kind() + " '" + record.id()
                    + "' no longer starts with " + new String(start, StandardCharsets.UTF_8));
        }
        return line;
    }
}
