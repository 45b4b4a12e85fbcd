package io.orgsync.run;

import io.orgsync.BeanStep;
import io.orgsync.OrgSyncRuntimeConfiguration;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.orgsync.run.Fixtures.SOURCE;
import static io.orgsync.run.Fixtures.TENANT;
import static io.orgsync.run.Fixtures.department;
import static io.orgsync.run.Fixtures.member;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run pipeline as routes: {@code orgsync-publish} and {@code orgsync-stage} of
 * {@link PublishRoutes} with the shipped sink routes, in a Camel Main configured as the bundle is
 * ({@link OrgSyncRuntimeConfiguration}, {@code application.properties}, {@code routes/}), against
 * a real H2 database and export folder. Runs come in as a source route hands them over: begun by
 * {@code runs.begin}, their records in the run's snapshot. What a test expects is written out by hand.
 */
class PublishRoutesTest extends CamelMainTestSupport {

    private static final List<Department> DEPARTMENTS = List.of(department("1", null, "学校"),
            department("2", "1", "一年级"));
    private static final List<Member> MEMBERS = List.of(member("a", "甲", "2"), member("b", "乙", "2"),
            member("c", "丙", "2"), member("d", "丁", "2"), member("e", "戊", "2"), member("f", "己", "2"),
            member("g", "庚", "2"), member("h", "辛", "1"));

    private Path work;

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application.properties";
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withConfigurations(OrgSyncRuntimeConfiguration.class);
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        try {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(tmp);
            work = Files.createTempDirectory(tmp, "publish-routes");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Properties properties = new Properties();
        properties.put("camel.main.routes-include-pattern", "file:routes/*.camel.yaml");
        properties.put("orgsync.sources", SOURCE);
        properties.put("orgsync.wecom-school.corp-id", TENANT);
        properties.put("orgsync.wecom-school.corp-secret", "not-used");
        properties.put("orgsync.sinks", "file,jdbc");
        properties.put("orgsync.file.dir", work.resolve("exports").toString());
        properties.put("orgsync.jdbc.url", "jdbc:h2:file:" + work.resolve("db/orgsync").toAbsolutePath());
        return properties;
    }

    @Test
    void aRunIsAppliedToTheDatabaseAndTheFilesAndTheirStateAgrees() throws Exception {
        context.start();

        Manifest manifest = publish(MEMBERS);

        assertThat(manifest.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(List.of(manifest.created(), manifest.updated(), manifest.deleted())).containsExactly(10L, 0L, 0L);
        assertThat(members()).containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
        assertThat(sql("SELECT status FROM orgsync_run WHERE run_id = '" + manifest.runId() + "'"))
                .containsExactly("success");
        assertThat(sql("SELECT last_run_id FROM orgsync_state")).containsExactly(manifest.runId());
        assertThat(Files.readString(tenantDir().resolve("latest.json"))).contains(manifest.runId());
        assertThat(Files.readAllLines(tenantDir().resolve(manifest.runId()).resolve("members.jsonl"))).hasSize(8);
    }

    @Test
    void aSinkFailingAfterTheDatabaseStagedCommitsNothingAnywhereAndRecordsTheRunFailed() throws Exception {
        AdviceWith.adviceWith(context, "sink-file", route -> route.weaveAddLast()
                .throwException(new IOException("disk full after the run folder was written")));
        context.start();

        Manifest manifest = publish(MEMBERS);

        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
        assertThat(manifest.error()).contains("disk full after the run folder was written");
        assertThat(members()).as("the database staged the run, and rolled it back").isEmpty();
        assertThat(sql("SELECT status FROM orgsync_run")).containsExactly("failed");
        assertThat(sql("SELECT last_run_id FROM orgsync_state WHERE last_run_id IS NOT NULL")).isEmpty();
        // neither the run folder, nor latest.json, nor the hidden folder it was staged in
        assertThat(entries(tenantDir())).isEmpty();
    }

    @Test
    void aHeldRunReachesNoSinkAndLeavesEveryOneAsTheLastRunLeftIt() throws Exception {
        AdviceWith.adviceWith(context, "sink-jdbc", route -> route.weaveAddFirst().to("mock:sink-jdbc"));
        AdviceWith.adviceWith(context, "sink-file", route -> route.weaveAddFirst().to("mock:sink-file"));
        context.start();
        Manifest first = publish(MEMBERS);
        List<String> exported = entries(tenantDir());
        MockEndpoint jdbc = getMockEndpoint("mock:sink-jdbc");
        MockEndpoint file = getMockEndpoint("mock:sink-file");
        jdbc.reset();
        file.reset();

        // seven of eight members gone: more than the deletion guard's floor of five
        Manifest held = publish(MEMBERS.subList(7, 8));

        assertThat(held.status()).isEqualTo(RunStatus.HELD);
        assertThat(held.deleted()).isEqualTo(7);
        assertThat(jdbc.getReceivedCounter() + file.getReceivedCounter()).isZero();
        assertThat(members()).containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
        assertThat(sql("SELECT status FROM orgsync_run ORDER BY started_at, status DESC"))
                .containsExactlyInAnyOrder("success", "held");
        assertThat(sql("SELECT last_run_id FROM orgsync_state")).containsExactly(first.runId());
        assertThat(entries(tenantDir())).isEqualTo(exported);
    }

    @Test
    void theFileSinkRouteStagesTheRunInvisiblyUntilTheRunCommits() throws Exception {
        context.start();
        NotifyBuilder staged = new NotifyBuilder(context).fromRoute("sink-file").whenDone(1).create();
        Exchange exchange = begun(MEMBERS);
        RunCoordinator runs = context.getRegistry().lookupByNameAndType("runs", RunCoordinator.class);
        BeanStep.call(runs, "compare", exchange);
        BeanStep.call(runs, "guard", exchange);
        RunResult result = BeanStep.call(runs, "forSinks", exchange);
        exchange.getMessage().setBody(result);
        StagedSinks stagedSinks = new StagedSinks(List.of("file"));
        exchange.setProperty(RunCoordinator.STAGED, stagedSinks);

        template.send("direct:sink-file", exchange);

        assertThat(staged.matches(30, TimeUnit.SECONDS)).isTrue();
        assertThat(exchange.getException()).isNull();
        assertThat(entries(tenantDir())).as("only the hidden folder the run is written in")
                .singleElement().asString().startsWith(".tmp-");
        stagedSinks.commit(result.manifest().runId());
        assertThat(entries(tenantDir())).containsExactlyInAnyOrder(result.manifest().runId(), "latest.json");
        assertThat(Files.readAllLines(tenantDir().resolve(result.manifest().runId()).resolve("members.jsonl")))
                .hasSize(8);
    }

    /** Hands a run with these members over as a source route does, and returns how it ended. */
    private Manifest publish(List<Member> members) {
        Exchange done = template.send("direct:orgsync-publish", begun(members));
        assertThat(done.getException()).isNull();
        return done.getProperty(RunCoordinator.MANIFEST, Manifest.class);
    }

    private Exchange begun(List<Member> members) {
        RunCoordinator runs = context.getRegistry().lookupByNameAndType("runs", RunCoordinator.class);
        Exchange exchange = new DefaultExchange(context);
        runs.begin(exchange.getProperties(), SOURCE);
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        DEPARTMENTS.forEach(run.snapshot()::addDepartment);
        members.forEach(run.snapshot()::addMember);
        return exchange;
    }

    private Path tenantDir() {
        return work.resolve("exports").resolve(SOURCE).resolve(TENANT);
    }

    private static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> members() throws Exception {
        return sql("SELECT id FROM orgsync_member WHERE deleted_at IS NULL ORDER BY id");
    }

    /** Read over a connection of its own: only what is committed shows. */
    private List<String> sql(String query) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection connection = context.getRegistry().lookupByNameAndType("orgsyncDataSource",
                javax.sql.DataSource.class).getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
