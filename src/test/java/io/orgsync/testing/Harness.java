package io.orgsync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.DemoSetup;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.simulator.VendorSimulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the real bundle (shipped routes, shipped application.properties, Camel Main) in-process
 * against the vendor simulator, with exports in a test folder and retry delays shortened.
 */
public final class Harness {

    private Harness() {
    }

    public static Map<String, String> overrides(VendorSimulator simulator, Path exports, SourceName... sources) {
        return overrides(DemoSetup.simulatorSettings(simulator), exports, sources);
    }

    /** The same, for a simulator known only by its settings (one in another process). */
    public static Map<String, String> overrides(Map<String, String> simulatorSettings, Path exports,
                                                SourceName... sources) {
        Map<String, String> overrides = new HashMap<>(simulatorSettings);
        overrides.put("orgsync.sources", String.join(",", Stream.of(sources).map(SourceName::id).toList()));
        overrides.put("orgsync.file.dir", exports.toString());
        overrides.put("orgsync.jdbc.url", databaseUrl(exports));
        overrides.put("orgsync.http.retry-initial-delay-ms", "10");
        overrides.put("orgsync.http.retry-max-delay-ms", "100");
        overrides.put("orgsync.http.read-timeout-ms", "5000");
        // a free port for tests that start the service: on a shared build machine 8080 is often taken
        overrides.put("orgsync.management.port", "0");
        return overrides;
    }

    /**
     * An embedded H2 database beside {@code exports} (not inside: tests compare the exports tree
     * before and after a failed run), so a test's runs share state and tests share nothing.
     */
    public static String databaseUrl(Path exports) {
        Path dir = exports.toAbsolutePath().resolveSibling(exports.getFileName() + "-db");
        return "jdbc:h2:file:" + dir.resolve("orgsync") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    public static OrgSyncApp start(Map<String, String> overrides) {
        OrgSyncApp app = OrgSyncApp.create(Path.of("application.properties"), Path.of("routes"), overrides, true);
        app.start();
        return app;
    }

    /** The published run directory named by latest.json. */
    public static Path latestRun(Path exports, String source, String tenant) {
        Path tenantDir = exports.resolve(source).resolve(tenant);
        JsonNode latest = readJson(tenantDir.resolve("latest.json"));
        return tenantDir.resolve(latest.path("runId").asText());
    }

    public static JsonNode readJson(Path file) {
        try {
            return CanonicalJson.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Department> departments(Path runDir) {
        return lines(runDir.resolve("departments.jsonl"), Department.class);
    }

    public static List<Member> members(Path runDir) {
        return lines(runDir.resolve("members.jsonl"), Member.class);
    }

    public static List<JsonNode> changes(Path runDir) {
        return lines(runDir.resolve("changes.jsonl"), JsonNode.class);
    }

    private static <T> List<T> lines(Path file, Class<T> type) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isEmpty()).map(l -> CanonicalJson.fromLine(l, type)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file under {@code dir} with its bytes, to prove a failed run changed nothing. */
    public static Map<Path, String> tree(Path dir) {
        Map<Path, String> files = new HashMap<>();
        if (!Files.exists(dir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.toList()) {
                files.put(dir.relativize(path), Files.isDirectory(path) ? "<dir>" : Files.readString(path));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
