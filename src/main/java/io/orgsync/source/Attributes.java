package io.orgsync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Builds a record's {@code attributes} from the vendor fields no normaliser mapped. */
public final class Attributes {

    private Attributes() {
    }

    /** Sorted by key, so the same vendor data always serialises to the same text. */
    public static ObjectNode of(Map<String, JsonNode> unmapped) {
        ObjectNode attributes = CanonicalJson.emptyObject();
        if (unmapped instanceof SortedMap<String, JsonNode> sorted && sorted.comparator() == null) {
            attributes.setAll(sorted);
        } else if (unmapped != null) {
            attributes.setAll(new TreeMap<>(unmapped));
        }
        return attributes;
    }
}
