package io.orgsync;

import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code orgsync.file.dir} that cannot hold folders stops the start, through the command line as
 * users run it: one line naming the key, exit code 2, and not a single vendor call before it.
 */
@Timeout(120)
class FileDirAtStartTest {

    private static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static VendorSimulator simulator;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        simulator = VendorSimulator.start(SimulatorConfig.defaults());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.resetCounters();
    }

    private Path config(Path fileDir, Map<String, String> changes) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>(DemoSetup.simulatorSettings(simulator));
        keys.put("orgsync.sources", "wecom-school");
        keys.put("orgsync.file.dir", fileDir.toString());
        keys.put("orgsync.jdbc.url", Harness.databaseUrl(dir.resolve("exports")));
        keys.putAll(changes);
        StringBuilder text = new StringBuilder(Files.readString(Path.of("application.properties")));
        keys.forEach((key, value) -> text.append('\n').append(key).append(" = ").append(value));
        return Files.writeString(dir.resolve("application.properties"), text.append('\n'));
    }

    private record Result(int exit, String out, String err) {
    }

    private Result runOnce(Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new OrgSync(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new String[]{"--run-once", "--config", config.toString(), "--routes", "routes"});
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void assertRefusedAtStart(Result result, String problem) {
        assertThat(result.exit()).as(result.err()).isEqualTo(OrgSync.EXIT_CONFIGURATION);
        assertThat(result.err()).isEqualTo("orgsync: configuration error: orgsync.file.dir: " + problem
                + System.lineSeparator());
        assertThat(result.out()).isEmpty();
        assertThat(simulator.calls()).as("vendor calls before the refusal").isZero();
    }

    @Test
    void aFileWhereTheExportsGoIsRefusedBeforeAnyFetch() throws IOException {
        Path file = Files.writeString(dir.resolve("exports.txt"), "not a folder");

        Result result = runOnce(config(file, Map.of()));

        assertRefusedAtStart(result, file.toAbsolutePath() + " is not a directory; point orgsync.file.dir at a folder "
                + "(runs go to <dir>/<source>/<tenant>/, dead letters to <dir>/dead-letter/)");
        assertThat(file).hasContent("not a folder");
    }

    @Test
    void theWebhookSinkAloneNeedsTheFolderForItsDeadLetters() throws IOException {
        Path file = Files.writeString(dir.resolve("exports.txt"), "not a folder");

        Result result = runOnce(config(file, Map.of("orgsync.sinks", "webhook",
                "orgsync.webhook.url", "http://127.0.0.1:9/hook", "orgsync.webhook.secret", WEBHOOK_SECRET)));

        assertRefusedAtStart(result, file.toAbsolutePath() + " is not a directory; point orgsync.file.dir at a folder "
                + "(runs go to <dir>/<source>/<tenant>/, dead letters to <dir>/dead-letter/)");
    }

    @Test
    void aFolderThatCannotBeCreatedIsRefusedBeforeAnyFetch() throws IOException {
        Path file = Files.writeString(dir.resolve("exports.txt"), "not a folder");
        Path below = file.resolve("exports");

        Result result = runOnce(config(below, Map.of()));

        assertThat(result.err()).startsWith("orgsync: configuration error: orgsync.file.dir: cannot create the folder "
                + below.toAbsolutePath() + ": ");
        assertRefusedAtStart(result, result.err().strip().substring(
                "orgsync: configuration error: orgsync.file.dir: ".length()));
        assertThat(file).hasContent("not a folder");
    }

    @Test
    void aMissingFolderIsCreatedAtStartAndTheRunPublishesIntoIt() throws IOException {
        Path exports = dir.resolve("new/exports");

        Result result = runOnce(config(exports, Map.of()));

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("wecom-school (tenant ").contains("): success");
        assertThat(exports.resolve("wecom-school")).isDirectory();
    }

    @Test
    void withOnlyTheDatabaseAsSinkTheFolderIsNotUsedNorChecked() throws IOException {
        Path file = Files.writeString(dir.resolve("exports.txt"), "not a folder");

        Result result = runOnce(config(file, Map.of("orgsync.sinks", "jdbc")));

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("): success");
        assertThat(file).hasContent("not a folder");
    }
}
