package io.orgsync.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.io.IOException;

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

    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static <T> T fromLine(String line, Class<T> type) {
        try {
            return MAPPER.readValue(line, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
