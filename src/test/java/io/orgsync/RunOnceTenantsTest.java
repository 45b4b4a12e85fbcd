package io.orgsync;

import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * {@code --run-once} with named tenants, through the command line as users run it (a configuration
 * file, no overrides): every tenant runs once, and the exit code is the worst of them.
 */
@Timeout(120)
class RunOnceTenantsTest {

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

    private Path config(Map<String, String> changes) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("orgsync.sources", "");
        keys.put("orgsync.file.dir", dir.resolve("exports").toString());
        keys.put("orgsync.jdbc.url", Harness.databaseUrl(dir.resolve("exports")));
        keys.put("orgsync.http.retry-initial-delay-ms", "10");
        keys.put("orgsync.http.retry-max-delay-ms", "50");
        keys.put("orgsync.http.max-retries", "1");
        keys.put("orgsync.tenants", "app-one, school-one");
        keys.put("orgsync.tenants.app-one.source", "feishu");
        keys.put("orgsync.tenants.app-one.base-url", simulator.baseUrl());
        keys.put("orgsync.tenants.app-one.app-id", simulator.credentials().feishuAppId());
        keys.put("orgsync.tenants.app-one.app-secret", simulator.credentials().feishuAppSecret());
        keys.put("orgsync.tenants.school-one.source", "wecom-school");
        keys.put("orgsync.tenants.school-one.base-url", simulator.baseUrl());
        keys.put("orgsync.tenants.school-one.corp-id", simulator.credentials().wecomSchoolCorpId());
        keys.put("orgsync.tenants.school-one.corp-secret", simulator.credentials().wecomSchoolCorpSecret());
        keys.putAll(changes);
        // the shipped file first, so its other keys hold; later lines win in a properties file
        StringBuilder text = new StringBuilder(Files.readString(Path.of("application.properties")));
        keys.forEach((key, value) -> text.append('\n').append(key).append(" = ").append(value));
        Path file = dir.resolve("application.properties");
        Files.writeString(file, text.append('\n'));
        return file;
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

    @Test
    void everyTenantRunsOnceAndAllSucceedingExitsZero() throws IOException {
        Result result = runOnce(config(Map.of()));
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("feishu (tenant app-one): success").contains("wecom-school (tenant school-one): success");
        assertThat(dir.resolve("exports/feishu/app-one/latest.json")).exists();
        assertThat(dir.resolve("exports/wecom-school/school-one/latest.json")).exists();
    }

    @Test
    void aTenantWhoseVendorIsDownExitsOneAfterTheOthersRan() throws IOException {
        Result result = runOnce(config(Map.of("orgsync.tenants.app-one.base-url", "http://127.0.0.1:9")));
        assertThat(result.exit()).isEqualTo(OrgSync.EXIT_RUN_FAILED);
        assertThat(result.out()).contains("feishu (tenant app-one): failed").contains("wecom-school (tenant school-one): success");
        assertThat(dir.resolve("exports/wecom-school/school-one/latest.json")).exists();
    }

    @Test
    void aRejectedTenantSecretIsAConfigurationErrorNamingTheTenantsKey() throws IOException {
        Result result = runOnce(config(Map.of("orgsync.tenants.app-one.app-secret", "wrong-secret-of-app-one")));
        assertThat(result.exit()).isEqualTo(OrgSync.EXIT_CONFIGURATION);
        assertThat(result.err().lines().filter(l -> l.startsWith("orgsync: configuration error: ")).toList())
                .singleElement().asString().startsWith("orgsync: configuration error: orgsync.tenants.app-one.app-secret: ");
        assertThat(result.err() + result.out()).doesNotContain("wrong-secret-of-app-one");
        assertThat(result.out()).contains("wecom-school (tenant school-one): success");
    }

    @Test
    void aMissingTenantKeyStopsTheStartWithOneLineNamingIt() throws IOException {
        Result result = runOnce(config(Map.of("orgsync.tenants.school-one.corp-secret", "")));
        assertThat(result.exit()).isEqualTo(OrgSync.EXIT_CONFIGURATION);
        assertThat(result.err().strip()).startsWith("orgsync: configuration error: orgsync.tenants.school-one.corp-secret: missing")
                .doesNotContain("\n");
    }
}
