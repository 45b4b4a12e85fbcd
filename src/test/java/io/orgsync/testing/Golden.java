package io.orgsync.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.VendorSimulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hand-written expectations against what a real run publishes. The expected side is text written
 * by hand (src/test/resources/golden, vendor-examples), never produced by the product's own
 * serialiser; published lines are compared with it exactly as text, and on a difference both are
 * read with a plain Jackson mapper (not the product's) to say which field differs.
 */
public final class Golden {

    /** The canonical field order of a department line, as the external contract lists it. */
    public static final List<String> DEPARTMENT_FIELDS = List.of("kind", "source", "tenant", "id", "parentId", "name",
            "type", "order", "path", "attributes");
    /** The canonical field order of a member line, as the external contract lists it. */
    public static final List<String> MEMBER_FIELDS = List.of("kind", "source", "tenant", "id", "name", "role",
            "departmentIds", "mobile", "email", "status", "relations", "attributes");
    /** The tenant every golden run is configured with, so that the golden lines can name it. */
    public static final String TENANT = "golden";

    /** A plain mapper: field order as written, no product configuration. */
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private Golden() {
    }

    /** A test resource as UTF-8 text, e.g. {@code golden/wecom/vendor/department-list.json}. */
    public static String resource(String path) {
        try (InputStream in = Golden.class.getResourceAsStream("/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The non-empty lines of a test resource. */
    public static List<String> resourceLines(String path) {
        return resource(path).lines().filter(line -> !line.isEmpty()).toList();
    }

    /** The non-empty lines of a published file, as bytes on disk read as UTF-8. */
    public static List<String> publishedLines(Path runDir, String file) {
        try {
            return Files.readAllLines(runDir.resolve(file), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code source} once through the real bundle against {@code simulator} (whose canned
     * answers the caller has set), with the tenant {@value #TENANT}, and answers the published
     * run folder. The run must succeed.
     */
    public static Path sync(VendorSimulator simulator, Path exports, SourceName source, Map<String, String> settings) {
        run(simulator, exports, source, settings);
        return Harness.latestRun(exports, source.id(), TENANT);
    }

    /**
     * Runs {@code source} again with the same answers: the run must succeed, report no created,
     * updated or deleted record, and publish the same lines. Answers the new run folder.
     */
    public static Path syncUnchanged(VendorSimulator simulator, Path exports, SourceName source,
                                     Map<String, String> settings) {
        Manifest manifest = run(simulator, exports, source, settings);
        assertThat(List.of(manifest.created(), manifest.updated(), manifest.deleted()))
                .as("created, updated, deleted on a second run of the same answers").containsExactly(0L, 0L, 0L);
        return Harness.latestRun(exports, source.id(), TENANT);
    }

    private static Manifest run(VendorSimulator simulator, Path exports, SourceName source, Map<String, String> settings) {
        Map<String, String> overrides = Harness.overrides(simulator, exports, source);
        overrides.put(source.key("tenant"), TENANT);
        overrides.putAll(settings);
        Manifest manifest;
        try (OrgSyncApp app = Harness.start(overrides)) {
            OrgSyncApp.RunOutcome outcome = app.sync(source);
            assertThat(outcome.exception()).as("the run's exception").isNull();
            manifest = outcome.manifest();
        }
        assertThat(manifest.status()).as("run status (%s)", manifest.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(manifest.tenant()).isEqualTo(TENANT);
        return manifest;
    }

    /**
     * The published lines are the golden ones, in the same order, as text. Before that, every
     * line of both must carry exactly {@code fields} in that order, so that a renamed or
     * reordered field is named as such; a difference in values is named field by field.
     */
    /** A run's departments.jsonl and members.jsonl are, as text, the golden lines of {@code source}. */
    public static void assertPublishesGolden(Path runDir, String source) {
        assertSameLines(source + " department", publishedLines(runDir, "departments.jsonl"),
                resourceLines("golden/" + source + "/departments.jsonl"), DEPARTMENT_FIELDS);
        assertSameLines(source + " member", publishedLines(runDir, "members.jsonl"),
                resourceLines("golden/" + source + "/members.jsonl"), MEMBER_FIELDS);
    }

    public static void assertSameLines(String what, List<String> published, List<String> golden, List<String> fields) {
        for (String line : golden) {
            assertThat(fieldNames(line)).as("fields of a golden %s line (the golden file itself): %s", what, line)
                    .containsExactlyElementsOf(fields);
        }
        for (String line : published) {
            assertThat(fieldNames(line)).as("fields of a published %s line, in order: %s", what, line)
                    .containsExactlyElementsOf(fields);
        }
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < Math.min(published.size(), golden.size()); i++) {
            if (!published.get(i).equals(golden.get(i))) {
                differences.add("line " + (i + 1) + ": " + fieldDifferences(published.get(i), golden.get(i))
                        + "\n  published: " + published.get(i) + "\n  golden:    " + golden.get(i));
            }
        }
        assertThat(published).as("published %s lines against the golden ones%s", what,
                        differences.isEmpty() ? "" : "\n" + String.join("\n", differences))
                .containsExactlyElementsOf(golden);
    }

    private static List<String> fieldNames(String line) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = tree(line).fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static String fieldDifferences(String published, String golden) {
        JsonNode actual = tree(published);
        JsonNode expected = tree(golden);
        List<String> fields = new ArrayList<>();
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!expected.get(field).equals(actual.get(field))) {
                fields.add(field + " is " + actual.get(field) + ", expected " + expected.get(field));
            } else if (!expected.get(field).toString().equals(String.valueOf(actual.get(field)))) {
                fields.add(field + " has its members in another order: " + actual.get(field) + ", expected "
                        + expected.get(field));
            }
        }
        return fields.isEmpty() ? "same values, written differently" : String.join("; ", fields);
    }

    private static JsonNode tree(String line) {
        try {
            JsonNode node = PLAIN.readTree(line);
            assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
            return node;
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
