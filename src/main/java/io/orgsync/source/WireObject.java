package io.orgsync.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.orgsync.run.RunFailedException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One object of a vendor answer, read straight from the parsed answer by the rules Jackson's
 * {@code treeToValue} binds a wire record with: a text field takes a string, or a number or
 * boolean as its text; JSON null and an absent field are null; an object or array where text is
 * expected fails the run; fields no one maps are kept as sent, nodes and all.
 *
 * <p>Member pages are read this way, not with {@code treeToValue}: they bring a record per person,
 * a hundred thousand and more a run. Binding each rebuilt the nodes of every unmapped field and
 * had a fresh JVM's compiler spend seconds on Jackson's record binding, on two cores shared with
 * the sync itself (measured: Feishu's first 100,000-member sync compiled
 * {@code _deserializeUsingPropertyBased} three times, 1.9 s). The shape is still the wire record's:
 * each vendor's {@code User.from} names its fields in one place.
 */
public final class WireObject {

    private final JsonNode node;
    private final String source;
    private final String type;

    private WireObject(JsonNode node, String source, String type) {
        this.node = node;
        this.source = source;
        this.type = type;
    }

    /**
     * The objects of an array field, e.g. a page's {@code items}: none when the field is absent or
     * null, as Jackson binds a missing list.
     */
    public static List<WireObject> list(JsonNode parent, String field, String source, String type) {
        JsonNode array = parent.get(field);
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw shape(source, type, field + " is " + kind(array) + ", not an array");
        }
        List<WireObject> objects = new ArrayList<>(array.size());
        for (JsonNode element : array) {
            if (!element.isObject()) {
                throw shape(source, type, "an element of " + field + " is " + kind(element) + ", not an object");
            }
            objects.add(new WireObject(element, source, type));
        }
        return objects;
    }

    /**
     * One object of an answer, e.g. a page's {@code data} for its paging fields. Read this way
     * rather than bound with Jackson: binding a record with a creator copies every field it does
     * not know (a member page's whole {@code items}) into a buffer, only to skip it.
     */
    public static WireObject of(JsonNode object, String source, String type) {
        if (object == null || !object.isObject()) {
            throw new RunFailedException(source + ": the answer has no data object for " + type);
        }
        return new WireObject(object, source, type);
    }

    /**
     * A yes/no field as Jackson binds a {@code Boolean}: a JSON boolean, the text {@code true}
     * (any case), or a number other than 0 is yes; absent, null and anything else is no.
     */
    public boolean flag(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (value.isContainerNode()) {
            throw shape(source, type, field + " is " + kind(value) + ", not a boolean");
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber()) {
            return !value.asText().equals("0");
        }
        return value.asText().trim().equalsIgnoreCase("true");
    }

    /** A text field: a number or boolean as its JSON text; null when absent or null. */
    public String text(String field) {
        return scalar(node.get(field), field);
    }

    /** A list of texts, each as {@link #text} reads it; null when absent or null. */
    public List<String> texts(String field) {
        JsonNode array = node.get(field);
        if (array == null || array.isNull()) {
            return null;
        }
        if (!array.isArray()) {
            throw shape(source, type, field + " is " + kind(array) + ", not an array");
        }
        List<String> texts = new ArrayList<>(array.size());
        for (JsonNode element : array) {
            texts.add(scalar(element, field));
        }
        return texts;
    }

    /** A field kept as sent: null when absent, a null node when sent as null. */
    public JsonNode raw(String field) {
        return node.get(field);
    }

    /**
     * Every field not in {@code mapped}, as sent: they become the record's attributes. Sorted
     * already and the caller's own, so a normaliser adds to it and {@link Attributes#of} takes it
     * without copying.
     */
    public SortedMap<String, JsonNode> rest(Set<String> mapped) {
        SortedMap<String, JsonNode> rest = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!mapped.contains(field.getKey())) {
                rest.put(field.getKey(), field.getValue());
            }
        }
        return rest;
    }

    private String scalar(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isContainerNode()) {
            throw shape(source, type, field + " is " + kind(value) + ", not text");
        }
        return value.asText();
    }

    private static RunFailedException shape(String source, String type, String what) {
        return new RunFailedException(source + ": unexpected answer shape for " + type + ": " + what);
    }

    private static String kind(JsonNode node) {
        if (node.isContainerNode()) {
            return node.isObject() ? "an object" : "an array";
        }
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
