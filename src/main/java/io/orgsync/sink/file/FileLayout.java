package io.orgsync.sink.file;

import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where the file sink puts things (docs/operations.md), in one place so that the sink
 * and the clean-up agree:
 * <pre>
 * &lt;dir&gt;/&lt;source&gt;/&lt;tenant&gt;/&lt;runId&gt;/{departments,members,changes}.jsonl, manifest.json, [*.csv]
 * &lt;dir&gt;/&lt;source&gt;/&lt;tenant&gt;/latest.json
 * &lt;dir&gt;/&lt;source&gt;/&lt;tenant&gt;/.tmp-*   (a run or latest.json being built; leftovers of a crash)
 * </pre>
 * Only source, tenant and run id ever become path segments, and only after {@link #segment}
 * accepted them; record ids and names never reach a path.
 */
public final class FileLayout {

    public static final String DEPARTMENTS_JSONL = "departments.jsonl";
    public static final String MEMBERS_JSONL = "members.jsonl";
    public static final String CHANGES_JSONL = "changes.jsonl";
    public static final String MANIFEST_JSON = "manifest.json";
    public static final String DEPARTMENTS_CSV = "departments.csv";
    public static final String MEMBERS_CSV = "members.csv";
    public static final String LATEST_JSON = "latest.json";

    /** Hidden, so that tools listing runs skip it, and never a valid segment, so never a run id. */
    public static final String TEMP_PREFIX = ".tmp-";

    public static final String FORMAT_JSONL = "jsonl";
    public static final String FORMAT_CSV = "csv";
    public static final Set<String> FORMATS = Set.of(FORMAT_JSONL, FORMAT_CSV);

    /**
     * The pattern of {@code orgsync.<source>.tenant}, used for source and run id as well: it starts
     * with a letter or digit, so {@code .}, {@code ..}, hidden names and our {@code .tmp-} names are
     * impossible, and it has no separator, NUL or other character a file system could misread.
     */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");

    /**
     * A run directory named {@code latest.json} would collide with the pointer file beside it;
     * {@code dead-letter} is the webhook sink's folder directly under {@code dir}.
     */
    private static final Set<String> RESERVED = Set.of(LATEST_JSON, "dead-letter");

    private FileLayout() {
    }

    /**
     * Checks that {@code value} can safely be one folder name.
     *
     * @param what what the value is, for the message: {@code source}, {@code tenant}, {@code runId}
     * @throws IllegalArgumentException naming {@code what} and the offending value
     */
    public static String segment(String what, String value) {
        if (value == null || !SEGMENT.matcher(value).matches() || value.contains("..") || RESERVED.contains(value)) {
            throw new IllegalArgumentException("unsafe " + what + " for a folder name: " + printable(value)
                    + " (must match " + SEGMENT.pattern() + ", without '..', and not be one of " + RESERVED + ")");
        }
        return value;
    }

    public static Path tenantDir(Path dir, String source, String tenant) {
        return under(dir, dir.resolve(segment("source", source)).resolve(segment("tenant", tenant)));
    }

    public static Path runDir(Path dir, String source, String tenant, String runId) {
        return under(dir, tenantDir(dir, source, tenant).resolve(segment("runId", runId)));
    }

    public static Path latest(Path dir, String source, String tenant) {
        return under(dir, tenantDir(dir, source, tenant).resolve(LATEST_JSON));
    }

    /**
     * A second line of defence behind {@link #segment}: whatever a future change lets through, a
     * path that does not stay lexically under {@code dir} is refused. Symbolic links an operator
     * placed inside {@code dir} are deliberately followed (exports on another disk are legitimate);
     * vendors cannot create them.
     */
    static Path under(Path dir, Path candidate) {
        Path base = dir.toAbsolutePath().normalize();
        Path resolved = candidate.toAbsolutePath().normalize();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw new IllegalArgumentException("refusing path " + resolved + ": not inside " + base);
        }
        return candidate;
    }

    /** Control characters such as NUL would garble a log line or terminal; show them escaped. */
    private static String printable(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        value.codePoints().limit(80).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.append(value.codePointCount(0, value.length()) > 80 ? "…\"" : "\"").toString();
    }
}
