package io.orgsync.sink.file;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.run.Fixtures;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.orgsync.run.Fixtures.SOURCE;
import static io.orgsync.run.Fixtures.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

class FileSinkCsvTest {

    /** Names that break naive CSV writers or readers, or UTF-16 handling. */
    static final List<String> AWKWARD = List.of(
            "plain",
            "comma, inside",
            "say \"hi\"",
            "\"quoted at both ends\"",
            "crlf\r\nline",
            "lf\nonly",
            "cr\ronly",
            "emoji 😀 family 👨‍👩‍👧",
            "rare CJK 𠀀 𪚥 extension B",
            "  spaces kept  ",
            "=1+2",
            "trailing comma,",
            "一年级,一班\"甲\"",
            ",");

    @TempDir
    Path root;

    @Test
    void everyAwkwardNameSurvivesTheRoundTrip() throws IOException {
        List<Department> departments = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < AWKWARD.size(); i++) {
            ObjectNode attributes = CanonicalJson.emptyObject().put("note", AWKWARD.get(i)).put("score", new BigDecimal("1.50"));
            departments.add(new Department(SOURCE, TENANT, "d" + i, i == 0 ? null : "d0", AWKWARD.get(i),
                    DepartmentType.CLASS, i == 0 ? null : (long) i, i == 0 ? List.of("d0") : List.of("d0", "d" + i),
                    attributes));
            members.add(new Member(SOURCE, TENANT, "m" + i, AWKWARD.get(i), Role.PARENT, List.of("d" + i, "d0"),
                    null, i % 2 == 0 ? null : "a,b@example.com", Status.ACTIVE,
                    List.of(new Relation("kid" + i, Role.STUDENT, AWKWARD.get(i))), attributes));
        }
        new FileSink(root, Set.of("jsonl", "csv")).publish(Fixtures.firstRun("run-1", departments, members));
        Path runDir = root.resolve(SOURCE).resolve(TENANT).resolve("run-1");

        List<CSVRecord> deptRows = parse(runDir.resolve("departments.csv"),
                List.of("source", "tenant", "id", "parentId", "name", "type", "order", "path", "attributes"));
        List<CSVRecord> memberRows = parse(runDir.resolve("members.csv"),
                List.of("source", "tenant", "id", "name", "role", "departmentIds", "mobile", "email", "status",
                        "relations", "attributes"));

        assertThat(deptRows).hasSize(AWKWARD.size());
        assertThat(memberRows).hasSize(AWKWARD.size());
        for (int i = 0; i < AWKWARD.size(); i++) {
            Department d = departments.get(i);
            CSVRecord row = deptRows.get(i);
            assertThat(row.get("name")).isEqualTo(AWKWARD.get(i));
            assertThat(row.get("source")).isEqualTo(SOURCE);
            assertThat(row.get("id")).isEqualTo(d.id());
            assertThat(row.get("parentId")).isEqualTo(i == 0 ? "" : "d0");
            assertThat(row.get("type")).isEqualTo("class");
            assertThat(row.get("order")).isEqualTo(i == 0 ? "" : String.valueOf(i));
            assertThat(row.get("path")).isEqualTo(CanonicalJson.toLine(d.path()));
            assertThat(row.get("attributes")).isEqualTo(CanonicalJson.toLine(d.attributes()));
            assertThat(CanonicalJson.MAPPER.readTree(row.get("attributes")).get("note").asText())
                    .isEqualTo(AWKWARD.get(i));

            Member m = members.get(i);
            CSVRecord memberRow = memberRows.get(i);
            assertThat(memberRow.get("name")).isEqualTo(AWKWARD.get(i));
            assertThat(memberRow.get("role")).isEqualTo("parent");
            assertThat(memberRow.get("departmentIds")).isEqualTo("[\"d" + i + "\",\"d0\"]");
            assertThat(memberRow.get("mobile")).isEmpty();
            assertThat(memberRow.get("email")).isEqualTo(i % 2 == 0 ? "" : "a,b@example.com");
            assertThat(memberRow.get("relations")).isEqualTo(CanonicalJson.toLine(m.relations()));
            assertThat(CanonicalJson.MAPPER.readTree(memberRow.get("relations")).get(0).get("relation").asText())
                    .isEqualTo(AWKWARD.get(i));
        }
    }

    @Test
    void csvIsUtf8WithoutByteOrderMarkAndStartsWithTheHeader() throws IOException {
        Department department = new Department(SOURCE, TENANT, "1", null, "𠀀", DepartmentType.SCHOOL, null,
                List.of("1"), null);
        new FileSink(root, Set.of("csv")).publish(Fixtures.firstRun("run-1", List.of(department), List.of()));
        Path csv = root.resolve(SOURCE).resolve(TENANT).resolve("run-1/departments.csv");

        byte[] bytes = Files.readAllBytes(csv);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).startsWith("source,tenant,id,parentId,name,type,order,path,attributes\r\n")
                .contains("wecom-school,ww123,1,,𠀀,school,,\"[\"\"1\"\"]\",{}\r\n");
        assertThat(bytes).containsSequence(0xF0, 0xA0, 0x80, 0x80); // U+20000 as four UTF-8 bytes
        assertThat(Files.readString(root.resolve(SOURCE).resolve(TENANT).resolve("run-1/members.csv")))
                .isEqualTo("source,tenant,id,name,role,departmentIds,mobile,email,status,relations,attributes\r\n");
    }

    private static List<CSVRecord> parse(Path csv, List<String> expectedHeader) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
             CSVParser parser = CSVParser.parse(in, format)) {
            assertThat(parser.getHeaderNames()).containsExactlyElementsOf(expectedHeader).doesNotContain("kind");
            return parser.getRecords();
        }
    }
}
