package io.orgsync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Camel K CRDs of {@code camel-k-crds} (YAMLs at its jar root) as JSON schemas. A CRD's
 * {@code openAPIV3Schema} is nearly JSON Schema draft 4; what differs is converted here:
 * {@code nullable} becomes a {@code "null"} type, OpenAPI formats ({@code int32}, {@code byte}) are
 * dropped, and every object that lists its properties gets {@code additionalProperties: false}
 * unless it carries {@code x-kubernetes-preserve-unknown-fields} — the API server's strict field
 * validation (kubectl's default since 1.27) rejects unknown fields the same way, and that is what
 * catches a typo such as {@code replica:}.
 */
final class CrdSchemas {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "definitions");
    private static final Set<String> SCHEMA_LISTS = Set.of("anyOf", "allOf", "oneOf");
    private static final Set<String> SCHEMA_VALUES = Set.of("items", "not", "additionalItems");

    private CrdSchemas() {
    }

    /** @param plural the CRD's plural name: {@code integrations}, {@code pipes}, {@code kamelets} */
    static JsonSchema forCrd(String plural) {
        String resource = "camel.apache.org_" + plural + ".yaml";
        JsonNode crd;
        try (InputStream in = CrdSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not on the test classpath (camel-k-crds)");
            }
            crd = YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode version = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asText().equals("v1")) {
                version = v;
            }
        }
        if (version == null) {
            throw new IllegalStateException(resource + " has no v1 version");
        }
        ObjectNode schema = ((ObjectNode) version.path("schema").path("openAPIV3Schema")).deepCopy();
        convert(schema);
        schema.put("$schema", "http://json-schema.org/draft-04/schema#");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
    }

    static Set<ValidationMessage> validate(JsonSchema schema, JsonNode manifest) {
        return schema.validate(manifest);
    }

    private static void convert(ObjectNode schema) {
        schema.remove("format");
        if (schema.path("nullable").asBoolean(false) && schema.path("type").isTextual()) {
            ArrayNode types = schema.arrayNode().add(schema.path("type").asText()).add("null");
            schema.set("type", types);
        }
        schema.remove("nullable");
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (schema.path("type").asText().equals("object") && schema.has("properties") && !preserve
                && !schema.has("additionalProperties")) {
            schema.put("additionalProperties", false);
        }
        // Kubernetes' own annotations: no meaning to a JSON Schema validator, which would warn about each
        schema.remove(List.of("x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string",
                "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type",
                "x-kubernetes-embedded-resource", "x-kubernetes-validations"));
        Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (SCHEMA_MAPS.contains(key) && value.isObject()) {
                value.fields().forEachRemaining(p -> {
                    if (p.getValue().isObject()) {
                        convert((ObjectNode) p.getValue());
                    }
                });
            } else if (SCHEMA_LISTS.contains(key) && value.isArray()) {
                value.forEach(s -> {
                    if (s.isObject()) {
                        convert((ObjectNode) s);
                    }
                });
            } else if ((SCHEMA_VALUES.contains(key) || key.equals("additionalProperties")) && value.isObject()) {
                convert((ObjectNode) value);
            }
        }
    }

    /** Every document of a (possibly multi-document) YAML file. */
    static List<JsonNode> documents(String yaml) {
        try {
            return YAML.readValues(YAML.getFactory().createParser(yaml), JsonNode.class).readAll().stream()
                    .filter(d -> d != null && !d.isNull() && !d.isMissingNode()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
