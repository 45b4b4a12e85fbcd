package io.orgsync.sink.file;

import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.run.Fixtures;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.orgsync.run.Fixtures.SOURCE;
import static io.orgsync.run.Fixtures.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSinkPathSafetyTest {

    /** The sink writes under root/exports; anything else appearing under root escaped. */
    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(strings = {"../x", "..", ".", "a/b", "a\\b", "/etc", "", "nul\0byte", "x\0", "a..b", ".hidden",
            "-leading-dash", "tab\there", "new\nline", "latest.json", "dead-letter", "中文",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void aHostileTenantIsRejectedBeforeAnythingIsWritten(String tenant) {
        RunResult run = withIdentity(SOURCE, tenant, "run-1");

        assertThatThrownBy(() -> new FileSink(root.resolve("exports"), Set.of("jsonl", "csv")).publish(run))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsafe tenant")
                .hasMessageNotContaining("\0");
        assertThat(everythingUnder(root)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "../../escape", "a/b", "", "\0", ".tmp-run", "latest.json", "run/../..",
            "C:\\run"})
    void aHostileRunIdIsRejectedBeforeAnythingIsWritten(String runId) {
        RunResult run = withIdentity(SOURCE, TENANT, runId);

        assertThatThrownBy(() -> new FileSink(root.resolve("exports"), Set.of("jsonl")).publish(run))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsafe runId");
        assertThat(everythingUnder(root)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../wecom", "a/b", "", "..", "dead-letter"})
    void aHostileSourceIsRejectedBeforeAnythingIsWritten(String source) {
        RunResult run = withIdentity(source, TENANT, "run-1");

        assertThatThrownBy(() -> new FileSink(root.resolve("exports"), Set.of("jsonl")).publish(run))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsafe source");
        assertThat(everythingUnder(root)).isEmpty();
    }

    @Test
    void theContractTenantPatternIsAccepted() {
        for (String tenant : List.of("ww123", "cli_a1b2.c3@corp-x", "0", "a".repeat(64))) {
            assertThat(FileLayout.tenantDir(root, SOURCE, tenant)).isEqualTo(root.resolve(SOURCE).resolve(tenant));
        }
    }

    @Test
    void hostileRecordIdsAndNamesOnlyEverReachFileContents() throws IOException {
        String[] hostile = {"../../etc/passwd", "/etc/shadow", "..\\..\\win.ini", "a\0b", "latest.json", ".tmp-x"};
        List<Department> departments = Stream.of(hostile)
                .map(id -> new Department(SOURCE, TENANT, id, null, id, DepartmentType.DEPARTMENT, null, List.of(id),
                        CanonicalJson.emptyObject()))
                .collect(Collectors.toList());
        List<Member> members = Stream.of(hostile)
                .map(id -> new Member(SOURCE, TENANT, id, "../" + id, Role.EMPLOYEE, List.of(id), null, null,
                        Status.ACTIVE, null, null))
                .collect(Collectors.toList());
        Path dir = root.resolve("exports");

        new FileSink(dir, Set.of("jsonl", "csv")).publish(Fixtures.firstRun("run-1", departments, members));

        String run = "exports/wecom-school/ww123/run-1/";
        assertThat(everythingUnder(root)).containsExactlyInAnyOrder("exports/", "exports/wecom-school/",
                "exports/wecom-school/ww123/", "exports/wecom-school/ww123/latest.json", run,
                run + "departments.jsonl", run + "members.jsonl", run + "changes.jsonl", run + "manifest.json",
                run + "departments.csv", run + "members.csv");
        assertThat(Files.readString(dir.resolve(run.substring("exports/".length()) + "departments.jsonl")))
                .contains("\"id\":\"../../etc/passwd\"", "\"id\":\"a\\u0000b\"");
    }

    private static RunResult withIdentity(String source, String tenant, String runId) {
        Department d = new Department(source, tenant, "1", null, "root", DepartmentType.DEPARTMENT, null, null, null);
        Manifest m = Fixtures.manifest(runId, List.of(d), List.of(), List.of());
        Manifest renamed = new Manifest(m.runId(), source, tenant, m.status(), m.startedAt(), m.finishedAt(),
                m.departments(), m.members(), m.created(), m.updated(), m.deleted(), m.apiCalls(), m.retries(),
                m.deliveryFailures(), m.error());
        return new RunResult(renamed, List.of(d), List.of(), List.of());
    }

    /** Every path under {@code base}, relative, folders with a trailing slash. */
    static List<String> everythingUnder(Path base) {
        try (Stream<Path> walk = Files.walk(base)) {
            return walk.filter(p -> !p.equals(base))
                    .map(p -> base.relativize(p).toString().replace('\\', '/') + (Files.isDirectory(p) ? "/" : ""))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
