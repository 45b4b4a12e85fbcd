package io.orgsync.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The one Jackson configuration used for canonical records, exports and manifests. */
public final class CanonicalJson {

    /** Deepest JSON nesting read; vendor answers and canonical records need fewer than ten levels. */
    public static final int MAX_NESTING_DEPTH = 64;
    /** Longest JSON string read, in characters; a vendor name or attribute is far shorter. */
    public static final int MAX_STRING_LENGTH = 1_000_000;

    /**
     * Attributes keep vendor numbers exactly as sent, so decimals are read as BigDecimal and never
     * rounded through double (integers already keep their exact value). Compare records by their
     * serialised text, not by node equality: IntNode(5) and LongNode(5) differ but print alike.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
                    // vendor answers are parsed with this mapper: a nesting bomb or a 30 MB name is refused
                    // as "not JSON" instead of costing stack or heap (org trees are a few levels deep in JSON
                    // terms, names a few hundred characters)
                    .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // Jackson 2.15+ would read 1.50 as 1.5, making an unchanged record look updated
            .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();

    /**
     * Writes {@link #toUtf8Line}'s bytes directly. It writes every surrogate, paired or not, as a
     * {@code \\uD800}-style escape, so a line holds one exactly when such an escape appears in it.
     */
    private static final ObjectWriter UTF8_LINE = MAPPER.writer();

    private CanonicalJson() {
    }

    public static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** One line of JSON, no trailing newline. */
    public static String toLine(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #toLine}, with every unpaired UTF-16 surrogate (a broken vendor name) written as a
     * {@code \\uD800} escape: UTF-8 has no form for one, JSON allows the escape, and it reads back
     * as the same Java string. This is the text every store keeps, hashes and exports.
     */
    public static String toEscapedLine(Object value) {
        return escapeUnpairedSurrogates(toLine(value));
    }

    /**
     * {@link #toEscapedLine} as UTF-8: a record held as these bytes reaches a file or a database
     * without being decoded again. Written by Jackson's UTF-8 generator, which skips building the
     * text and encoding it, and gives the same bytes except around a surrogate: it escapes each
     * one, where the text keeps a pair as the four-byte sequence UTF-8 has for it. So a line that
     * may hold one (an escape that reads like a surrogate's) is written through the text instead.
     */
    public static byte[] toUtf8Line(Object value) {
        byte[] utf8;
        try {
            utf8 = value instanceof Member member ? memberUtf8(member) : UTF8_LINE.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return mayHoldSurrogate(utf8) ? toEscapedLine(value).getBytes(StandardCharsets.UTF_8) : utf8;
    }

    /**
     * A member as Jackson's bean serializer writes it, byte for byte (CanonicalJsonTest holds the
     * two together), field by field instead: every fetched member is written once, and in a fresh
     * JVM the bean serializer's generic path was 0.96 CPU seconds of a 100,000-member Feishu first
     * sync, plus about as much again for C2 compiling it. Relations and attributes are still
     * Jackson's own, so numbers and nested vendor values keep its exact form (writing attributes
     * node by node too made no difference measurable in a sync's wall time).
     */
    private static byte[] memberUtf8(Member member) throws IOException {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("kind", member.kind());
            g.writeStringField("source", member.source());
            g.writeStringField("tenant", member.tenant());
            g.writeStringField("id", member.id());
            g.writeStringField("name", member.name());
            g.writeStringField("role", member.role() == null ? null : member.role().wireName());
            g.writeArrayFieldStart("departmentIds");
            for (String department : member.departmentIds()) {
                g.writeString(department);
            }
            g.writeEndArray();
            g.writeStringField("mobile", member.mobile());
            g.writeStringField("email", member.email());
            g.writeStringField("status", member.status() == null ? null : member.status().wireName());
            g.writeFieldName("relations");
            if (member.relations().isEmpty()) {
                g.writeStartArray();
                g.writeEndArray();
            } else {
                MAPPER.writeValue(g, member.relations());
            }
            g.writeFieldName("attributes");
            MAPPER.writeTree(g, member.attributes());
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * Whether the line has a {@code \\uD800}-{@code \\uDFFF} escape. The search runs in
     * {@link String#indexOf(String)} over the bytes read as Latin-1: the JIT compiled that long
     * before the first record. A loop of our own over every byte of every line stayed interpreted
     * for most of a fresh JVM's first sync while a busy two-core machine's compiler caught up:
     * 2.5 s of CPU in Feishu's first 100,000-member sync, measured with a profiler.
     */
    private static boolean mayHoldSurrogate(byte[] utf8) {
        String bytes = new String(utf8, StandardCharsets.ISO_8859_1);
        for (int at = bytes.indexOf("\\u"); at >= 0 && at + 3 < bytes.length();
             at = bytes.indexOf("\\u", at + 2)) {
            char high = bytes.charAt(at + 2);
            if ((high == 'D' || high == 'd') && "89ABCDEFabcdef".indexOf(bytes.charAt(at + 3)) >= 0) {
                return true; // a surrogate's escape, or text that reads like one: the text path is right for both
            }
        }
        return false;
    }

    /** JSON text with its unpaired surrogates escaped (see {@link #toEscapedLine}); the same string when it has none. */
    public static String escapeUnpairedSurrogates(String json) {
        return replaceUnpairedSurrogates(json, true);
    }

    /**
     * Plain text (a CSV cell, a database column) with U+FFFD for each unpaired surrogate, where no
     * escape can stand for it; the same string when it has none.
     */
    public static String withoutUnpairedSurrogates(String text) {
        return replaceUnpairedSurrogates(text, false);
    }

    private static String replaceUnpairedSurrogates(String text, boolean escape) {
        int first = firstUnpairedSurrogate(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (!Character.isSurrogate(c)) {
                out.append(c);
            } else if (escape) {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
            } else {
                out.append('\uFFFD');
            }
        }
        return out.toString();
    }

    /** Where the first surrogate without its partner stands, or -1: one pass, no allocation. */
    public static int firstUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Reads what {@link #toUtf8Line} wrote. */
    public static <T> T fromUtf8Line(byte[] line, Class<T> type) {
        try {
            return MAPPER.readValue(line, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T fromLine(String line, Class<T> type) {
        try {
            return MAPPER.readValue(line, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
