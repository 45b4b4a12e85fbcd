package io.orgsync;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.BundleProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code target/orgsync.jar} started as a separate process, the way users run it: from a working
 * directory holding {@code routes/} and {@code application.properties}.
 */
class JarIT {

    @TempDir
    Path work;

    @BeforeEach
    void copyProjectFiles() throws IOException {
        BundleProcess.copyProjectFiles(work);
    }

    @Test
    void demoSyncsTheSimulatedSchoolAndSaysWhereTheExportsAre() throws Exception {
        Result result = run(Map.of(), "--demo");

        assertThat(result.exit).as(result.toString()).isZero();
        Path tenantDir = work.resolve("exports/wecom-school");
        assertThat(result.stdout).contains("run directory: exports/wecom-school/");
        JsonNode latest = onlyTenantLatest(tenantDir);
        assertThat(latest.path("status").asText()).isEqualTo("success");
        Path runDir = latest(tenantDir).getParent().resolve(latest.path("runId").asText());
        assertThat(runDir.resolve("departments.jsonl")).isNotEmptyFile();
        assertThat(runDir.resolve("members.jsonl")).isNotEmptyFile();
        assertThat(runDir.resolve("changes.jsonl")).exists();
        assertThat(CanonicalJson.MAPPER.readTree(runDir.resolve("manifest.json").toFile())).isEqualTo(latest);
        assertThat(latest.path("members").asLong()).isPositive();
        assertThat(result.stderr).doesNotContain("Exception");
        // the embedded database, under the working directory like the exports
        assertThat(result.stdout).contains("database:      jdbc:h2:file:./data/orgsync");
        assertThat(work.resolve("data/orgsync.mv.db")).isNotEmptyFile();
    }

    @Test
    void aSecondDemoFindsTheFirstInTheDatabaseAndCountsNoChanges() throws Exception {
        assertThat(run(Map.of(), "--demo").exit).isZero();
        Result second = run(Map.of(), "--demo");

        assertThat(second.exit).as(second.toString()).isZero();
        assertThat(second.stdout).contains("created=0 updated=0 deleted=0");
    }

    @Test
    void anUnreachableDatabaseExitsTwoNamingTheKey() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Result result = run(Map.of("WECOM_SCHOOL_CORP_ID", "ww1", "WECOM_SCHOOL_CORP_SECRET", "x",
                        "ORGSYNC_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + port + "/orgsync",
                        "ORGSYNC_JDBC_PASSWORD", "db-secret-value"),
                "--run-once");
        assertThat(result.exit).as(result.toString()).isEqualTo(2);
        assertOneLineNaming(result, "orgsync.jdbc.url");
        assertThat(result.stdout + result.stderr).doesNotContain("db-secret-value");
    }

    @Test
    void runOnceAgainstTheSimulatorPublishesARunAndExitsZero() throws Exception {
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults())) {
            var credentials = simulator.credentials();
            // credentials through the environment, as the shipped application.properties expects
            Result result = run(Map.of(
                            "WECOM_SCHOOL_CORP_ID", credentials.wecomSchoolCorpId(),
                            "WECOM_SCHOOL_CORP_SECRET", credentials.wecomSchoolCorpSecret(),
                            "ORGSYNC_WECOM_SCHOOL_BASE_URL", simulator.baseUrl()),
                    "--run-once");

            assertThat(result.exit).as(result.toString()).isZero();
            JsonNode latest = onlyTenantLatest(work.resolve("exports/wecom-school"));
            assertThat(latest.path("apiCalls").asLong()).isEqualTo(simulator.calls());
            assertThat(result.stdout).doesNotContain(credentials.wecomSchoolCorpSecret());
        }
    }

    @Test
    void aRejectedSecretExitsTwoNamingTheKey() throws Exception {
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults())) {
            Result result = run(Map.of(
                            "WECOM_SCHOOL_CORP_ID", simulator.credentials().wecomSchoolCorpId(),
                            "WECOM_SCHOOL_CORP_SECRET", "wrong-secret-value",
                            "ORGSYNC_WECOM_SCHOOL_BASE_URL", simulator.baseUrl()),
                    "--run-once");

            assertThat(result.exit).as(result.toString()).isEqualTo(2);
            assertOneLineNaming(result, "orgsync.wecom-school.corp-secret");
            assertThat(result.stdout + result.stderr).doesNotContain("wrong-secret-value");
            assertThat(work.resolve("exports/wecom-school")).doesNotExist();
        }
    }

    @Test
    void aMissingCredentialExitsTwoNamingTheKey() throws Exception {
        Result result = run(Map.of(), "--run-once");
        assertThat(result.exit).as(result.toString()).isEqualTo(2);
        assertOneLineNaming(result, "orgsync.wecom-school.corp-id");
    }

    @Test
    void anUnknownSourceExitsTwo() throws Exception {
        Result result = run(Map.of("ORGSYNC_SOURCES", "wecom-school,dingtalk"), "--run-once");
        assertThat(result.exit).as(result.toString()).isEqualTo(2);
        assertOneLineNaming(result, "orgsync.sources");
    }

    @Test
    void aBadCronExitsTwoEvenForARunOnce() throws Exception {
        Result result = run(Map.of("WECOM_SCHOOL_CORP_ID", "ww1", "WECOM_SCHOOL_CORP_SECRET", "x"),
                "-Dorgsync.wecom-school.schedule=0 0 2 * *", "--run-once");
        assertThat(result.exit).as(result.toString()).isEqualTo(2);
        assertOneLineNaming(result, "orgsync.wecom-school.schedule");
    }

    @Test
    void aMalformedBaseUrlExitsTwo() throws Exception {
        Result result = run(Map.of("WECOM_SCHOOL_CORP_ID", "ww1", "WECOM_SCHOOL_CORP_SECRET", "x",
                "ORGSYNC_WECOM_SCHOOL_BASE_URL", "htp:/nowhere"), "--run-once");
        assertThat(result.exit).as(result.toString()).isEqualTo(2);
        assertOneLineNaming(result, "orgsync.wecom-school.base-url");
    }

    @Test
    void aMissingConfigFileIsAnErrorNotASilentStart() throws Exception {
        Files.delete(work.resolve("application.properties"));
        Result result = run(Map.of(), "--run-once");
        assertThat(result.exit).as(result.toString()).isEqualTo(2);
        assertOneLineNaming(result, "--config");
    }

    @Test
    void anEmptyRoutesDirectoryIsAnErrorNotASilentStart() throws Exception {
        Path empty = Files.createDirectories(work.resolve("no-routes"));
        Result result = run(Map.of("WECOM_SCHOOL_CORP_ID", "ww1", "WECOM_SCHOOL_CORP_SECRET", "x"),
                "--run-once", "--routes", empty.toString());
        assertThat(result.exit).as(result.toString()).isEqualTo(2);
        assertOneLineNaming(result, "--routes");
    }

    @Test
    void undeliveredWebhooksExitOneAndRedeliverSendsThemLaterWithTheSameIds() throws Exception {
        AtomicBoolean receiverUp = new AtomicBoolean(false);
        List<String> firstIds = new CopyOnWriteArrayList<>();
        List<String> redeliveredIds = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                (receiverUp.get() ? redeliveredIds : firstIds).add(id);
                exchange.sendResponseHeaders(receiverUp.get() ? 204 : 503, -1);
            }
        });
        receiver.start();
        String secret = "whsec_" + Base64.getEncoder().encodeToString(
                "a-32-byte-webhook-secret-for-it!".getBytes(StandardCharsets.UTF_8));
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults())) {
            Map<String, String> env = Map.of(
                    "WECOM_SCHOOL_CORP_ID", simulator.credentials().wecomSchoolCorpId(),
                    "WECOM_SCHOOL_CORP_SECRET", simulator.credentials().wecomSchoolCorpSecret(),
                    "ORGSYNC_WECOM_SCHOOL_BASE_URL", simulator.baseUrl(),
                    "ORGSYNC_SINKS", "file,webhook",
                    "ORGSYNC_WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                    "ORGSYNC_WEBHOOK_SECRET", secret,
                    "ORGSYNC_WEBHOOK_MAX_ATTEMPTS", "1");

            Result sync = run(env, "--run-once");

            assertThat(sync.exit).as(sync.toString()).isEqualTo(1);
            // once a message fails, the later ones of the run wait behind it, unsent, to keep the order
            long deadLetters = onlyTenantLatest(work.resolve("exports/wecom-school")).path("deliveryFailures").asLong();
            assertThat(firstIds).hasSize(1);
            assertThat(deadLetters).isGreaterThan(1);
            assertThat(sync.stdout + sync.stderr).doesNotContain(secret);

            receiverUp.set(true);
            Result redeliver = run(env, "--redeliver", "exports/dead-letter");

            assertThat(redeliver.exit).as(redeliver.toString()).isZero();
            assertThat(redeliveredIds).hasSize((int) deadLetters).startsWith(firstIds.get(0));
            assertThat(redeliveredIds.get(redeliveredIds.size() - 1)).endsWith("_completed");
        } finally {
            receiver.stop(0);
        }
    }

    private static void assertOneLineNaming(Result result, String key) {
        List<String> lines = result.stderr.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(result.toString()).hasSize(1);
        assertThat(lines.get(0)).startsWith("orgsync: configuration error: " + key + ": ");
        assertThat(result.stderr).doesNotContain("\tat ").doesNotContain("Exception");
    }

    private static Path latest(Path sourceDir) throws IOException {
        try (Stream<Path> tenants = Files.list(sourceDir)) {
            List<Path> all = tenants.toList();
            assertThat(all).hasSize(1);
            return all.get(0).resolve("latest.json");
        }
    }

    private static JsonNode onlyTenantLatest(Path sourceDir) throws IOException {
        return CanonicalJson.MAPPER.readTree(latest(sourceDir).toFile());
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        List<String> properties = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String arg : args) {
            (arg.startsWith("-D") ? properties : options).add(arg);
        }
        List<String> command = BundleProcess.command(properties, options.toArray(String[]::new));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("ORGSYNC_") || k.startsWith("WECOM_"));
        environment.putAll(env);
        Path out = work.resolve("stdout.txt");
        Path err = work.resolve("stderr.txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("orgsync did not finish within 120 s: " + Files.readString(out));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }
}
