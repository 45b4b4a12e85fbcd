package io.orgsync.sink.file;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.run.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static io.orgsync.run.Fixtures.SOURCE;
import static io.orgsync.run.Fixtures.TENANT;
import static io.orgsync.run.Fixtures.department;
import static io.orgsync.run.Fixtures.member;
import static io.orgsync.sink.file.FileSinkTest.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code orgsync.file.keep-runs} through {@link FileSink#publish}, with run ids as runs are given them. */
class RunRetentionTest {

    private static final List<Department> DEPARTMENTS = List.of(department("1", null, "学校"));
    private static final List<Member> MEMBERS = List.of(member("zhangsan", "张三", "1"));

    private static final String R1 = "20261121T020000000Z-0a1b2c";
    private static final String R2 = "20261122T020000000Z-3d4e5f";
    private static final String R3 = "20261123T020000000Z-6a7b8c";
    private static final String R4 = "20261124T020000000Z-9d0e1f";

    @TempDir
    Path root;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RunRetention.class);

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    private Path dir() {
        return root.resolve("exports");
    }

    private Path tenantDir() {
        return dir().resolve(SOURCE).resolve(TENANT);
    }

    private void publish(FileSink sink, String runId) throws IOException {
        sink.publish(Fixtures.firstRun(runId, DEPARTMENTS, MEMBERS));
    }

    private String latestRunId() throws IOException {
        return Files.readString(tenantDir().resolve("latest.json")).replaceAll("(?s).*\"runId\":\"([^\"]+)\".*", "$1");
    }

    private List<String> messages() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void keepsTheNewestRunsAndSaysHowManyWentAfterEachPublish() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl"), 2);

        publish(sink, R1);
        assertThat(names(tenantDir())).containsExactly(R1, "latest.json");
        publish(sink, R2);
        assertThat(names(tenantDir())).containsExactly(R1, R2, "latest.json");
        publish(sink, R3);
        assertThat(names(tenantDir())).containsExactly(R2, R3, "latest.json");
        publish(sink, R4);
        assertThat(names(tenantDir())).containsExactly(R3, R4, "latest.json");

        assertThat(latestRunId()).isEqualTo(R4);
        assertThat(names(tenantDir().resolve(R4))).contains("manifest.json", "members.jsonl");
        assertThat(messages()).containsExactly(
                "removed 0 old run folder(s) of wecom-school/ww123, keeping the newest 2 (orgsync.file.keep-runs)",
                "removed 0 old run folder(s) of wecom-school/ww123, keeping the newest 2 (orgsync.file.keep-runs)",
                "removed 1 old run folder(s) of wecom-school/ww123, keeping the newest 2 (orgsync.file.keep-runs)",
                "removed 1 old run folder(s) of wecom-school/ww123, keeping the newest 2 (orgsync.file.keep-runs)");
    }

    @Test
    void zeroKeepsEveryRun() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl"), 0);
        for (String run : List.of(R1, R2, R3, R4)) {
            publish(sink, run);
        }

        assertThat(names(tenantDir())).containsExactly(R1, R2, R3, R4, "latest.json");
        assertThat(messages()).isEmpty();
    }

    @Test
    void theRunLatestJsonNamesIsKeptEvenWhenItSortsOldest() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl"), 2);
        publish(sink, R2);
        publish(sink, R3);
        publish(sink, R4);
        assertThat(names(tenantDir())).containsExactly(R3, R4, "latest.json");

        // the clock was set back: the new run's id sorts before every other
        publish(sink, R1);

        assertThat(latestRunId()).isEqualTo(R1);
        assertThat(names(tenantDir())).containsExactly(R1, R3, R4, "latest.json");
        assertThat(messages()).last().asString().startsWith("removed 0 old run folder(s)");
    }

    @Test
    void onlyPublishedRunFoldersAreEverDeleted() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl"), 1);
        publish(sink, R1);
        Path tenant = tenantDir();
        // beside the runs: what other features keep there, and what only looks like a run
        for (String folder : List.of("increments", "plans", "dead-letter")) {
            Files.writeString(Files.createDirectories(tenant.resolve(folder)).resolve("manifest.json"), "{}");
        }
        Files.writeString(Files.createDirectories(tenant.resolve(".tmp-" + R2 + "-77")).resolve("manifest.json"), "{}");
        String unfinished = "20260101T020000000Z-aaaaaa";
        Files.writeString(Files.createDirectories(tenant.resolve(unfinished)).resolve("members.jsonl"), "{}");
        String plainFile = "20260102T020000000Z-bbbbbb";
        Files.writeString(tenant.resolve(plainFile), "not a folder");
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("manifest.json"), "{\"runId\":\"precious\"}");
        String link = "20260103T020000000Z-cccccc";
        Files.createSymbolicLink(tenant.resolve(link), elsewhere);

        publish(sink, R2);

        assertThat(names(tenant)).containsExactly(".tmp-" + R2 + "-77", unfinished, plainFile, link, R2,
                "dead-letter", "increments", "latest.json", "plans");
        assertThat(elsewhere.resolve("manifest.json")).hasContent("{\"runId\":\"precious\"}");
        assertThat(messages()).last().asString().startsWith("removed 1 old run folder(s)");
    }

    @Test
    void withoutAReadableLatestJsonNothingIsDeleted() throws IOException {
        FileSink sink = new FileSink(dir(), Set.of("jsonl"), 1);
        publish(sink, R1);
        publish(sink, R2);
        assertThat(names(tenantDir())).containsExactly(R2, "latest.json");
        Files.createDirectories(tenantDir().resolve(R1));
        Files.writeString(tenantDir().resolve(R1).resolve("manifest.json"), "{}");
        Files.writeString(tenantDir().resolve("latest.json"), "{\"runId\":");

        int removed = new RunRetention(1).prune(tenantDir(), SOURCE, TENANT);

        assertThat(removed).isZero();
        assertThat(names(tenantDir())).containsExactly(R1, R2, "latest.json");
        assertThat(messages()).last().asString().startsWith("could not remove old runs of wecom-school/ww123");
    }

    @Test
    void aNegativeNumberIsRefused() {
        assertThatThrownBy(() -> new FileSink(dir(), Set.of("jsonl"), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("orgsync.file.keep-runs: ");
    }
}
