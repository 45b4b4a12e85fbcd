package io.orgsync.sink.file;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ser.PropertyWriter;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.CanonicalRecord;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.run.CanonicalLines;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** {@code departments.csv} and {@code members.csv}: one kind per file, a row per JSONL line. */
final class CsvFiles {

    /**
     * RFC 4180 as Commons CSV defines it: comma, double-quote quoting only where needed, CRLF
     * between records (CRLF is what RFC 4180 prescribes; CR or LF inside a value is quoted and kept
     * verbatim). No byte-order mark: the contract says UTF-8, and a BOM would glue itself to the
     * first header name for most parsers.
     */
    static final CSVFormat CSV = CSVFormat.RFC4180;

    static final List<String> DEPARTMENT_COLUMNS = columns(Department.class);
    static final List<String> MEMBER_COLUMNS = columns(Member.class);

    private CsvFiles() {
    }

    static void write(Writer out, List<String> columns, List<? extends CanonicalRecord> records,
                      Belonging belonging) throws IOException {
        CSVPrinter printer = new CSVPrinter(out, CSV);
        printer.printRecord(columns);
        List<String> row = new ArrayList<>(columns.size());
        for (Iterator<byte[]> lines = CanonicalLines.records(records); lines.hasNext(); ) {
            row(printer, columns, belonging.check(lines.next()), row);
        }
        printer.flush();
    }

    /** From the JSONL text rather than valueToTree, so that CSV and JSONL can never disagree. */
    static void row(CSVPrinter printer, List<String> columns, byte[] jsonLine, List<String> row)
            throws IOException {
        JsonNode tree = LosslessJson.READER.readTree(jsonLine);
        row.clear();
        for (String column : columns) {
            row.add(cell(tree.get(column)));
        }
        printer.printRecord(row);
    }

    private static String cell(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null; // printed as an empty field
        }
        if (value.isContainerNode()) {
            return CanonicalJson.toEscapedLine(value);
        }
        // a cell cannot hold the escape JSONL keeps a broken vendor name's lone surrogate as, and
        // UTF-8 has no form for it: U+FFFD, as in the database's name column
        return CanonicalJson.withoutUnpairedSurrogates(value.asText());
    }

    /**
     * The CSV columns are the JSON properties in the order Jackson writes them, taken from the
     * serializer itself so that the CSV can never drift from the JSONL; {@code kind} is left out
     * because each CSV file holds one kind only.
     */
    static List<String> columns(Class<? extends CanonicalRecord> type) {
        try {
            JsonSerializer<Object> serializer = CanonicalJson.MAPPER.getSerializerProviderInstance()
                    .findValueSerializer(type);
            List<String> names = new ArrayList<>();
            for (Iterator<PropertyWriter> it = serializer.properties(); it.hasNext(); ) {
                String name = it.next().getName();
                if (!"kind".equals(name)) {
                    names.add(name);
                }
            }
            if (names.isEmpty()) {
                throw new IllegalStateException("no JSON properties found for " + type.getName());
            }
            return List.copyOf(names);
        } catch (JsonMappingException e) {
            throw new IllegalStateException("cannot introspect " + type.getName(), e);
        }
    }

    /**
     * UTF-8 text over {@code out}, for CSV; flushed by {@link CSVPrinter#flush}. The encoder reports
     * unencodable text instead of silently writing {@code ?}: a silent substitution would make
     * the record differ from its read-back.
     */
    static Writer text(OutputStream out) {
        return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8.newEncoder()),
                DurableFiles.BUFFER_BYTES);
    }
}
