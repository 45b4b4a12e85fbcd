package io.orgsync.sink.jdbc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.config.JdbcSettings;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Member;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.apache.camel.StartupSummaryLevel;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Whether camel-sql can write a run's record rows as fast as the JDBC batches the product sends
 * (issue 25, {@code docs/performance.md}, "The run's transaction through Camel"). Not part of the
 * normal build; run it with {@code mvn -B -o -q -Pbench test -Dtest=CamelSqlApplyBenchmark}
 * ({@code -Dbench.members=100000 -Dbench.row-members=10000 -Dbench.databases=h2,postgres}).
 *
 * <p>Each variant writes the rows a tenant's first apply writes for WeCom-shaped members, the
 * {@code orgsync_member} row and its {@code orgsync_member_department} rows, with the values
 * {@link RecordColumns} binds (record_json and its hash computed while writing, as staging does),
 * inside one transaction that a Camel route opens with {@code transacted} over Spring's
 * {@code DataSourceTransactionManager}, as {@code orgsync-stage} does:
 * <ul>
 *   <li>{@code jdbc-batch}: {@link Batch} and {@link RecordColumns} on the transaction's connection,
 *   as {@link RecordTables} does for created members;</li>
 *   <li>{@code sql-batch}: camel-sql {@code batch=true}, one exchange per batch whose body is a
 *   {@code List<Map<String, Object>>} of the same size, members then their memberships;</li>
 *   <li>{@code sql-row}: camel-sql, one exchange per row (split), on fewer members and scaled up.</li>
 * </ul>
 * Every measurement gets a fresh database migrated by Flyway ({@link Database#open}), so fresh
 * tables; the contents are compared between variants after the clock stops.
 */
class CamelSqlApplyBenchmark {

    private static final String SOURCE = "wecom";
    private static final String TENANT = "bench";
    private static final String RUN_ID = "bench-run-1";
    /** One fixed time for every row, so that the variants' tables can be compared whole. */
    private static final LocalDateTime NOW = LocalDateTime.of(2026, 11, 21, 2, 1, 0);
    private static final int BATCH = JdbcStore.DEFAULT_BATCH_SIZE;
    private static final int DEPARTMENTS = 1_000;
    private static final String FAIL_AT_END = "benchFailAtEnd";
    private static final String CHUNK = "benchChunk";

    private static final String INSERT_MEMBER = named("orgsync_member", RecordColumns.MEMBER_COLUMNS);
    private static final String INSERT_MEMBERSHIP = named("orgsync_member_department",
            List.of("source", "tenant", "member_id", "department_id"));

    private enum Variant {
        JDBC_BATCH("jdbc-batch"), SQL_BATCH("sql-batch"), SQL_ROW("sql-row");

        final String label;

        Variant(String label) {
            this.label = label;
        }

        String endpoint() {
            return "direct:" + label;
        }
    }

    @Test
    void camelSqlAgainstJdbcBatches() throws Exception {
        int members = Integer.getInteger("bench.members", 100_000);
        int rowMembers = Integer.getInteger("bench.row-members", 10_000);
        List<Member> org = members(members);
        List<Member> small = org.subList(0, rowMembers);
        long rows = rows(org);
        long smallRows = rows(small);
        System.out.printf(Locale.ROOT, "%ncamel-sql against JDBC batches: %,d members + %,d memberships = %,d rows "
                        + "(sql-row: %,d members, %,d rows, scaled up by %.1f); batches of %,d; record_json %,d bytes "
                        + "on average%n", members, rows - members, rows, rowMembers, smallRows,
                (double) rows / smallRows, BATCH, averageJsonBytes(org));
        List<String> table = new ArrayList<>();
        for (String database : System.getProperty("bench.databases", "h2,postgres").split(",")) {
            try (TestDatabases databases = database.strip().equals("h2") ? new H2Databases()
                    : new PostgresDatabases()) {
                table.addAll(measure(databases, org, small, rows, smallRows));
            }
        }
        System.out.printf(Locale.ROOT, "%nmedians of 3, time for %,d members + memberships (%,d rows):%n", members,
                rows);
        table.forEach(System.out::println);
    }

    private List<String> measure(TestDatabases databases, List<Member> org, List<Member> small, long rows,
                                 long smallRows) throws Exception {
        String version;
        try (Target target = new Target(databases.fresh())) {
            version = target.version();
        }
        System.out.printf(Locale.ROOT, "%n%s %s%n", databases.name(), version);

        // warm-up, once per variant; a failure at the route's end must leave every table empty
        Map<Integer, String> expected = new HashMap<>();
        for (Variant variant : Variant.values()) {
            List<Member> members = variant == Variant.SQL_ROW ? small : org;
            try (Target target = new Target(databases.fresh())) {
                assertThatThrownBy(() -> target.apply(variant, members.subList(0, Math.min(2_500, members.size())), true))
                        .isInstanceOf(CamelExecutionException.class);
                assertThat(target.count("orgsync_member") + target.count("orgsync_member_department"))
                        .as("rows left by a rolled-back %s", variant.label).isZero();
                double seconds = target.apply(variant, members, false);
                String digest = target.digest();
                if (variant != Variant.SQL_ROW) {
                    assertThat(expected.computeIfAbsent(members.size(), size -> digest))
                            .as("tables written by %s", variant.label).isEqualTo(digest);
                }
                System.out.printf(Locale.ROOT, "%-10s %-10s warm-up %8.2f s%n", databases.name(), variant.label,
                        seconds);
            }
        }
        try (Target target = new Target(databases.fresh())) {
            target.apply(Variant.JDBC_BATCH, small, false);
            expected.put(small.size(), target.digest());
        }
        assertThat(expected.get(org.size())).as("what each batched variant wrote").isNotNull();

        Map<Variant, List<Double>> times = new LinkedHashMap<>();
        for (int repetition = 1; repetition <= 3; repetition++) {
            for (Variant variant : Variant.values()) {
                List<Member> members = variant == Variant.SQL_ROW ? small : org;
                long written = variant == Variant.SQL_ROW ? smallRows : rows;
                try (Target target = new Target(databases.fresh())) {
                    double seconds = target.apply(variant, members, false);
                    assertThat(target.count("orgsync_member") + target.count("orgsync_member_department"))
                            .isEqualTo(written);
                    assertThat(target.digest()).as("tables written by %s", variant.label)
                            .isEqualTo(expected.get(members.size()));
                    double full = seconds * rows / written;
                    times.computeIfAbsent(variant, v -> new ArrayList<>()).add(full);
                    System.out.printf(Locale.ROOT, "%-10s %-10s rep %d  %,9d rows %8.2f s %,10.0f rows/s%s%n",
                            databases.name(), variant.label, repetition, written, seconds, written / seconds,
                            written == rows ? "" : String.format(Locale.ROOT, "   (%.2f s scaled to %,d rows)",
                                    full, rows));
                }
            }
        }
        double jdbc = median(times.get(Variant.JDBC_BATCH));
        List<String> lines = new ArrayList<>();
        for (Map.Entry<Variant, List<Double>> entry : times.entrySet()) {
            double median = median(entry.getValue());
            lines.add(String.format(Locale.ROOT, "%-10s %-10s %8.2f s %,10.0f rows/s   %.2fx the jdbc-batch time "
                            + "(+%.2f s)   range %.2f-%.2f s", databases.name(), entry.getKey().label, median,
                    rows / median, median / jdbc, median - jdbc, entry.getValue().stream().mapToDouble(d -> d).min()
                            .orElseThrow(), entry.getValue().stream().mapToDouble(d -> d).max().orElseThrow()));
        }
        return lines;
    }

    /** A fresh database, and a Camel context whose routes write into it inside the run's kind of transaction. */
    private static final class Target implements AutoCloseable {
        final Database database;
        final RunDataSource dataSource;
        final CamelContext camel;
        final ProducerTemplate producer;

        Target(JdbcSettings settings) throws Exception {
            database = Database.open(settings);
            dataSource = new RunDataSource(database.dataSource());
            camel = new DefaultCamelContext();
            camel.setStartupSummaryLevel(StartupSummaryLevel.Off);
            camel.getRegistry().bind("ds", dataSource);
            camel.getRegistry().bind("tx", new SpringTransactionPolicy(new TransactionTemplate(
                    new DataSourceTransactionManager(dataSource))));
            camel.addRoutes(new ApplyRoutes(dataSource));
            camel.start();
            producer = camel.createProducerTemplate();
        }

        /** Seconds from sending the run to the route until its transaction has committed. */
        double apply(Variant variant, List<Member> members, boolean failAtEnd) {
            long start = System.nanoTime();
            producer.sendBodyAndHeader(variant.endpoint(), members, FAIL_AT_END, failAtEnd);
            return (System.nanoTime() - start) / 1e9;
        }

        String version() throws SQLException {
            try (Connection c = database.dataSource().getConnection()) {
                return c.getMetaData().getDatabaseProductVersion();
            }
        }

        long count(String table) throws SQLException {
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet row = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                row.next();
                return row.getLong(1);
            }
        }

        /** Every column of every row written, in key order, as one SHA-256. */
        String digest() throws Exception {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                for (String query : List.of("SELECT * FROM orgsync_member ORDER BY source, tenant, id",
                        "SELECT * FROM orgsync_member_department ORDER BY source, tenant, member_id, department_id")) {
                    try (ResultSet rows = s.executeQuery(query)) {
                        ResultSetMetaData meta = rows.getMetaData();
                        while (rows.next()) {
                            for (int i = 1; i <= meta.getColumnCount(); i++) {
                                sha.update(String.valueOf(rows.getString(i)).getBytes(StandardCharsets.UTF_8));
                                sha.update((byte) 0);
                            }
                        }
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        }

        @Override
        public void close() throws Exception {
            camel.close();
            database.close();
        }
    }

    /** The three ways in, each one transaction; the body is the run's members, in id order. */
    private static final class ApplyRoutes extends RouteBuilder {
        private final RunDataSource dataSource;

        ApplyRoutes(RunDataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public void configure() {
            from(Variant.JDBC_BATCH.endpoint()).routeId("bench-jdbc-batch")
                    .transacted("tx")
                    .process(e -> jdbcBatches(DataSourceUtils.getConnection(dataSource), members(e.getMessage()
                            .getBody())))
                    .filter(header(FAIL_AT_END)).throwException(new IllegalStateException("rolled back")).end();

            from(Variant.SQL_BATCH.endpoint()).routeId("bench-sql-batch")
                    .transacted("tx")
                    .process(e -> e.getMessage().setBody(chunks(members(e.getMessage().getBody()))))
                    .split(body()).streaming().stopOnException()
                        .process(e -> {
                            List<Member> chunk = members(e.getMessage().getBody());
                            e.setProperty(CHUNK, chunk);
                            e.getMessage().setBody(rowsOf(chunk, CamelSqlApplyBenchmark::memberRows));
                        })
                        .to(INSERT_MEMBER + "?dataSource=#ds&batch=true")
                        .process(e -> e.getMessage().setBody(rowsOf(members(e.getProperty(CHUNK)),
                                CamelSqlApplyBenchmark::membershipRows)))
                        .to(INSERT_MEMBERSHIP + "?dataSource=#ds&batch=true")
                    .end()
                    .filter(header(FAIL_AT_END)).throwException(new IllegalStateException("rolled back")).end();

            from(Variant.SQL_ROW.endpoint()).routeId("bench-sql-row")
                    .transacted("tx")
                    .setProperty(CHUNK, body())
                    .process(e -> e.getMessage().setBody(eachRow(members(e.getMessage().getBody()),
                            CamelSqlApplyBenchmark::memberRows)))
                    .split(body()).streaming().stopOnException()
                        .to(INSERT_MEMBER + "?dataSource=#ds")
                    .end()
                    .process(e -> e.getMessage().setBody(eachRow(members(e.getProperty(CHUNK)),
                            CamelSqlApplyBenchmark::membershipRows)))
                    .split(body()).streaming().stopOnException()
                        .to(INSERT_MEMBERSHIP + "?dataSource=#ds")
                    .end()
                    .filter(header(FAIL_AT_END)).throwException(new IllegalStateException("rolled back")).end();
        }
    }

    // ------------------------------------------------------------------ the rows

    /** RecordTables.apply's path for a created member on a tenant without soft-deleted members. */
    private static void jdbcBatches(Connection connection, List<Member> members) throws SQLException {
        try (Batch inserts = new Batch(BATCH, connection, RecordColumns.INSERT_MEMBER);
             Batch memberships = new Batch(BATCH, connection, RecordColumns.INSERT_MEMBERSHIP);
             Batch relations = new Batch(BATCH, connection, RecordColumns.INSERT_RELATION)) {
            for (Member m : members) {
                RecordColumns.checkApplicable(RUN_ID, SOURCE, TENANT, m);
                RecordColumns.bindMember(inserts.statement, m, RUN_ID, NOW);
                inserts.add();
                RecordColumns.addMemberships(memberships, relations, m);
            }
            inserts.flush();
            memberships.flush();
            relations.flush();
        }
    }

    /** The values {@link RecordColumns#bindMember} binds, by column name. */
    private static List<Map<String, Object>> memberRows(Member m) {
        RecordColumns.checkApplicable(RUN_ID, SOURCE, TENANT, m);
        String json = RecordColumns.recordJson(m);
        Map<String, Object> row = new HashMap<>(32);
        row.put("source", m.source());
        row.put("tenant", m.tenant());
        row.put("id", m.id());
        row.put("name", DbText.column(m.name()));
        row.put("role", m.role() == null ? null : m.role().wireName());
        row.put("mobile", DbText.column(m.mobile()));
        row.put("email", DbText.column(m.email()));
        row.put("status", m.status() == null ? null : m.status().wireName());
        row.put("attributes", CanonicalJson.toEscapedLine(m.attributes()));
        row.put("record_json", json);
        row.put("content_hash", RecordColumns.hash(json));
        row.put("last_run_id", RUN_ID);
        row.put("updated_at", NOW);
        row.put("deleted_at", null);
        return List.of(row);
    }

    private static List<Map<String, Object>> membershipRows(Member m) {
        List<Map<String, Object>> rows = new ArrayList<>(m.departmentIds().size());
        for (String departmentId : new LinkedHashSet<>(m.departmentIds())) {
            Map<String, Object> row = new HashMap<>(8);
            row.put("source", m.source());
            row.put("tenant", m.tenant());
            row.put("member_id", m.id());
            row.put("department_id", departmentId);
            rows.add(row);
        }
        return rows;
    }

    private static List<Map<String, Object>> rowsOf(List<Member> chunk,
                                                    Function<Member, List<Map<String, Object>>> rows) {
        List<Map<String, Object>> all = new ArrayList<>(chunk.size() * 2);
        for (Member m : chunk) {
            all.addAll(rows.apply(m));
        }
        return all;
    }

    /** The rows one by one, made as the split asks for them, as a run streamed from disk would. */
    private static Iterator<Map<String, Object>> eachRow(List<Member> members,
                                                         Function<Member, List<Map<String, Object>>> rows) {
        return members.stream().flatMap(m -> rows.apply(m).stream()).iterator();
    }

    private static Iterator<List<Member>> chunks(List<Member> members) {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < members.size();
            }

            @Override
            public List<Member> next() {
                List<Member> chunk = members.subList(next, Math.min(members.size(), next + BATCH));
                next += chunk.size();
                return chunk;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Member> members(Object body) {
        return (List<Member>) body;
    }

    private static String named(String table, List<String> columns) {
        return "sql:INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> ":#" + c).toList()) + ")";
    }

    // ------------------------------------------------------------------ the organisation

    /**
     * WeCom employees as the simulator's company shapes them and WecomMapper maps them: a few
     * without mobile or email, one in ten in a second department, the attributes user/list leaves.
     */
    private static List<Member> members(int count) {
        List<Member> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = String.format(Locale.ROOT, "u%07d", i + 1);
            int main = 2 + i % (DEPARTMENTS - 1);
            List<String> departments = i % 10 == 3 ? List.of(Integer.toString(main), Integer.toString(2 + (main
                    + 17) % (DEPARTMENTS - 1))) : List.of(Integer.toString(main));
            ObjectNode attributes = CanonicalJson.emptyObject();
            if (i % 8 == 0) {
                attributes.put("alias", "小" + (i % 97));
            }
            attributes.put("biz_mail", id + "@chenguang.work");
            attributes.putArray("direct_leader").add(String.format(Locale.ROOT, "u%07d", i / 10 + 1));
            attributes.put("gender", Integer.toString(i % 3));
            ArrayNode leaders = attributes.putArray("is_leader_in_dept");
            departments.forEach(d -> leaders.add(0));
            attributes.put("main_department", main);
            ArrayNode order = attributes.putArray("order");
            departments.forEach(d -> order.add((long) id.hashCode() & 1023));
            attributes.put("position", i % 3 == 0 ? "工程师" : i % 3 == 1 ? "产品经理" : "销售代表");
            attributes.put("status", 1);
            attributes.put("telephone", i % 4 == 0 ? String.format(Locale.ROOT, "027-%08d", i) : "");
            String mobile = i % 64 == 0 ? null : String.format(Locale.ROOT, "13%09d", (i * 7919L) % 1_000_000_000L);
            String email = i % 32 == 5 ? null : id + "@chenguang.example";
            members.add(new Member(SOURCE, TENANT, id, "员工" + (i + 1), Role.EMPLOYEE, departments, mobile, email,
                    Status.ACTIVE, List.of(), attributes));
        }
        return members;
    }

    private static long rows(List<Member> members) {
        return members.stream().mapToLong(m -> 1 + new LinkedHashSet<>(m.departmentIds()).size()).sum();
    }

    private static long averageJsonBytes(List<Member> members) {
        return (long) members.stream().limit(10_000)
                .mapToInt(m -> RecordColumns.recordJson(m).getBytes(StandardCharsets.UTF_8).length)
                .average().orElse(0);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
