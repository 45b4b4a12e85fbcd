package io.orgsync.perf;

import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.BundleProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code target/orgsync.jar} syncing a company whose vendor answers alone are larger than the
 * bundle's whole heap: holding the fetched organisation (let alone its parsed JSON) cannot work,
 * so the run succeeds only if records stream from fetch to the sinks. The simulator runs in this
 * JVM, outside the measured one.
 */
class StreamingMemoryIT {

    private static final int HEAP_MB = 64;
    private static final int EMPLOYEES = 170_000;

    @TempDir
    Path work;

    @Test
    void aCompanyWhoseAnswersOutweighTheHeapSyncsCompletely() throws Exception {
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults().withThreads(4)
                .withCompany(new CompanyShape(EMPLOYEES / 100, 6, EMPLOYEES)))) {
            BundleProcess.copyProjectFiles(work);
            List<String> command = BundleProcess.command(List.of("-Xmx" + HEAP_MB + "m"), "--run-once");
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("ORGSYNC_") || k.startsWith("WECOM_"));
            env.put("ORGSYNC_SOURCES", "wecom");
            env.put("WECOM_CORP_ID", simulator.credentials().wecomCorpId());
            env.put("WECOM_CORP_SECRET", simulator.credentials().wecomCorpSecret());
            env.put("ORGSYNC_WECOM_BASE_URL", simulator.baseUrl());
            env.put("ORGSYNC_WECOM_MAX_REQUESTS_PER_SECOND", "100000");
            env.put("ORGSYNC_WECOM_MAX_REQUESTS_PER_MINUTE", "6000000");
            env.put("ORGSYNC_SINKS", "file,jdbc");
            // memory is the point here, not the CSV projection: one export format keeps the test short
            env.put("ORGSYNC_FILE_FORMATS", "jsonl");
            env.put("ORGSYNC_HTTP_READ_TIMEOUT_MS", "60000");
            Path log = work.resolve("orgsync.log");
            Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            // under 2 minutes alone on 2 cores; more when the machine is busy
            boolean ended = process.waitFor(10, TimeUnit.MINUTES);
            if (!ended) {
                process.destroyForcibly().waitFor();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(ended).as("the run ended within ten minutes").isTrue();
            assertThat(process.exitValue()).as("exit code; output:%n%s", tail(output)).isZero();
            assertThat(output).doesNotContain("OutOfMemoryError");

            long served = simulator.bytesServed();
            System.out.printf("streaming: %d employees, %d MB of vendor answers, synced with -Xmx%dm%n", EMPLOYEES,
                    served >> 20, HEAP_MB);
            assertThat(served).as("vendor answers, bytes").isGreaterThan(HEAP_MB * 1024L * 1024L);
            Path tenant;
            try (Stream<Path> tenants = Files.list(work.resolve("exports").resolve("wecom"))) {
                tenant = tenants.filter(Files::isDirectory).findFirst().orElseThrow();
            }
            String runId = io.orgsync.testing.Harness.readJson(tenant.resolve("latest.json")).path("runId").asText();
            try (Stream<String> lines = Files.lines(tenant.resolve(runId).resolve("members.jsonl"))) {
                assertThat(lines.count()).isEqualTo(simulator.company().employeeCount());
            }
        }
    }

    private static String tail(String output) {
        return output.length() > 4000 ? output.substring(output.length() - 4000) : output;
    }
}
