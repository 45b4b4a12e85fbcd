package io.orgsync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Kamelet under {@code kamelets/} follows the Apache Camel Kamelet catalog's conventions and
 * the Kamelet CRD of camel-k-crds; the Pipe example names real Kamelets and their real properties.
 * That a Kamelet runs is {@code KameletPipeTest}'s business.
 */
class KameletConventionsTest {

    private static final Path DIR = Path.of("kamelets");
    private static final Set<String> EXPECTED = Set.of("orgsync-wecom-source", "orgsync-wecom-school-source",
            "orgsync-feishu-source", "orgsync-wuhan-edu-source", "orgsync-file-sink", "orgsync-jdbc-sink",
            "orgsync-webhook-sink");
    private static final String CREDENTIALS = "urn:camel:group:credentials";
    /** Names that hold a secret; each must be marked as one. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(secret|key|password|token).*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\??([^}:]+)(:[^}]*)?}}");
    private static final JsonSchema DRAFT_07 = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
            .getSchema(SchemaLocation.of(SchemaId.V7), com.networknt.schema.SchemaValidatorsConfig.builder().build());

    @Test
    void theFolderHoldsASourcePerVendorAndASinkPerSink() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path file : kamelets()) {
            names.add(file.getFileName().toString().replace(".kamelet.yaml", ""));
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(EXPECTED);
    }

    @TestFactory
    Stream<DynamicTest> everyKameletFollowsTheCatalogConventions() throws IOException {
        return kamelets().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            List<JsonNode> documents = CrdSchemas.documents(Files.readString(file));
            assertThat(documents).hasSize(1);
            JsonNode kamelet = documents.get(0);
            assertThat(problems(file, kamelet)).isEmpty();
        }));
    }

    @Test
    void theChecksCatchBrokenKamelets() throws IOException {
        Path file = DIR.resolve("orgsync-feishu-source.kamelet.yaml");
        JsonNode good = CrdSchemas.documents(Files.readString(file)).get(0);
        assertThat(problems(file, good)).isEmpty();

        ObjectNode unmarkedSecret = good.deepCopy();
        ((ObjectNode) unmarkedSecret.at("/spec/definition/properties/appSecret")).remove("format");
        assertThat(problems(file, unmarkedSecret)).anySatisfy(p -> assertThat(p).contains("appSecret"));

        ObjectNode noDescriptor = good.deepCopy();
        ((ObjectNode) noDescriptor.at("/spec/definition/properties/appSecret")).remove("x-descriptors");
        assertThat(problems(file, noDescriptor)).anySatisfy(p -> assertThat(p).contains("appSecret"));

        ObjectNode undeclaredRequired = good.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) undeclaredRequired.at("/spec/definition/required"))
                .add("appToken");
        assertThat(problems(file, undeclaredRequired)).anySatisfy(p -> assertThat(p).contains("appToken"));

        ObjectNode badType = good.deepCopy();
        ((ObjectNode) badType.at("/spec/definition/properties/schedule")).put("type", "strin");
        assertThat(problems(file, badType)).isNotEmpty();

        ObjectNode badDefault = good.deepCopy();
        ((ObjectNode) badDefault.at("/spec/definition/properties/userIdType")).put("default", "email");
        assertThat(problems(file, badDefault)).anySatisfy(p -> assertThat(p).contains("userIdType"));

        ObjectNode noTypeLabel = good.deepCopy();
        ((ObjectNode) noTypeLabel.at("/metadata/labels")).remove("camel.apache.org/kamelet.type");
        assertThat(problems(file, noTypeLabel)).isNotEmpty();

        ObjectNode noTemplate = good.deepCopy();
        ((ObjectNode) noTemplate.path("spec")).remove("template");
        assertThat(problems(file, noTemplate)).isNotEmpty();

        ObjectNode unusedProperty = good.deepCopy();
        ((ObjectNode) unusedProperty.at("/spec/definition/properties")).putObject("colour")
                .put("title", "Colour").put("description", "never read").put("type", "string").put("default", "red");
        assertThat(problems(file, unusedProperty)).anySatisfy(p -> assertThat(p).contains("colour"));
    }

    @Test
    void thePipeExampleNamesRealKameletsAndTheirProperties() throws IOException {
        JsonNode pipe = CrdSchemas.documents(Files.readString(Path.of("deploy/camel-k/school-directory-to-files.pipe.yaml")))
                .get(0);
        for (String end : List.of("source", "sink")) {
            JsonNode ref = pipe.path("spec").path(end);
            String name = ref.path("ref").path("name").asText();
            assertThat(ref.path("ref").path("kind").asText()).isEqualTo("Kamelet");
            Path file = DIR.resolve(name + ".kamelet.yaml");
            assertThat(file).as("the Pipe's %s Kamelet", end).isRegularFile();
            JsonNode definition = CrdSchemas.documents(Files.readString(file)).get(0).path("spec").path("definition");
            assertThat(CrdSchemas.documents(Files.readString(file)).get(0)
                    .at("/metadata/labels/camel.apache.org~1kamelet.type").asText()).isEqualTo(end);
            ref.path("properties").fieldNames().forEachRemaining(property ->
                    assertThat(definition.path("properties").has(property)).as("%s declares %s", name, property).isTrue());
            // what the Pipe leaves out must come from the mounted Secret: credentials only
            for (JsonNode required : definition.path("required")) {
                if (!ref.path("properties").has(required.asText())) {
                    assertThat(definition.path("properties").path(required.asText()).path("format").asText())
                            .as("%s.%s is neither set in the Pipe nor a credential", name, required.asText())
                            .isEqualTo("password");
                }
            }
        }
    }

    /** Everything wrong with one Kamelet, one line each. */
    static List<String> problems(Path file, JsonNode kamelet) {
        List<String> problems = new ArrayList<>();
        String name = kamelet.at("/metadata/name").asText();
        if (!kamelet.path("apiVersion").asText().equals("camel.apache.org/v1") || !kamelet.path("kind").asText().equals("Kamelet")) {
            problems.add("not a camel.apache.org/v1 Kamelet");
        }
        if (!file.getFileName().toString().equals(name + ".kamelet.yaml")) {
            problems.add("file name is not metadata.name + .kamelet.yaml");
        }
        String type = kamelet.at("/metadata/labels/camel.apache.org~1kamelet.type").asText();
        if (!Set.of("source", "sink").contains(type) || !name.endsWith("-" + type)) {
            problems.add("label camel.apache.org/kamelet.type '" + type + "' does not match the name " + name);
        }
        for (String annotation : List.of("camel.apache.org/provider", "camel.apache.org/kamelet.support.level")) {
            if (kamelet.path("metadata").path("annotations").path(annotation).asText().isBlank()) {
                problems.add("annotation " + annotation + " missing");
            }
        }
        CrdSchemas.validate(CrdSchemas.forCrd("kamelets"), kamelet)
                .forEach(m -> problems.add("Kamelet CRD: " + m.getMessage()));

        JsonNode definition = kamelet.at("/spec/definition");
        for (ValidationMessage message : DRAFT_07.validate(definition)) {
            problems.add("spec.definition is not a JSON schema: " + message.getMessage());
        }
        for (String field : List.of("title", "description")) {
            if (definition.path(field).asText().isBlank()) {
                problems.add("spec.definition." + field + " missing");
            }
        }
        if (!definition.path("type").asText().equals("object")) {
            problems.add("spec.definition.type is not object");
        }
        JsonNode properties = definition.path("properties");
        for (JsonNode required : definition.path("required")) {
            if (!properties.has(required.asText())) {
                problems.add("required property " + required.asText() + " is not in properties");
            }
        }
        ObjectNode instance = JsonNodeFactory.instance.objectNode();
        properties.fields().forEachRemaining(entry -> {
            String property = entry.getKey();
            JsonNode spec = entry.getValue();
            for (String field : List.of("title", "description", "type")) {
                if (spec.path(field).asText().isBlank()) {
                    problems.add(property + ": no " + field);
                }
            }
            boolean secret = spec.path("format").asText().equals("password");
            Set<String> descriptors = new HashSet<>();
            spec.path("x-descriptors").forEach(d -> descriptors.add(d.asText()));
            if (SECRET_NAME.matcher(property).matches() && !secret) {
                problems.add(property + ": a secret without format: password");
            }
            if (secret && !descriptors.contains(CREDENTIALS)) {
                problems.add(property + ": format password without x-descriptors " + CREDENTIALS);
            }
            if (secret && spec.has("default")) {
                problems.add(property + ": a secret with a default");
            }
            if (!secret && !spec.has("default") && !spec.has("example")) {
                problems.add(property + ": neither default nor example");
            }
            instance.set(property, spec.has("default") ? spec.get("default")
                    : spec.has("example") ? spec.get("example") : JsonNodeFactory.instance.textNode("x"));
        });
        // defaults and examples must themselves satisfy the definition (types, patterns, enums)
        if (problems.stream().noneMatch(p -> p.startsWith("spec.definition is not"))) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(definition);
            for (ValidationMessage message : schema.validate(instance)) {
                problems.add("the defaults and examples break the definition: " + message.getMessage());
            }
        }

        JsonNode template = kamelet.at("/spec/template");
        String from = template.at("/from/uri").asText();
        String templateText = template.toString();
        if (from.isBlank()) {
            problems.add("spec.template.from.uri missing");
        } else if (type.equals("source") && (from.startsWith("kamelet:source") || !templateText.contains("kamelet:sink"))) {
            problems.add("a source's template must start at its own endpoint and end in kamelet:sink");
        } else if (type.equals("sink") && !from.equals("kamelet:source")) {
            problems.add("a sink's template must start from kamelet:source");
        }
        String direction = type.equals("source") ? "out" : "in";
        if (kamelet.at("/spec/types/" + direction + "/mediaType").asText().isBlank()) {
            problems.add("spec.types." + direction + ".mediaType missing");
        }
        // every declared property used, every used placeholder declared (as in the Kamelet catalog)
        Set<String> beans = new HashSet<>();
        template.path("beans").forEach(bean -> beans.add(bean.path("name").asText()));
        Set<String> used = new HashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(templateText);
        while (matcher.find()) {
            used.add(matcher.group(1).strip());
        }
        properties.fieldNames().forEachRemaining(property -> {
            if (!used.contains(property)) {
                problems.add(property + ": declared but not used in the template");
            }
        });
        for (String placeholder : used) {
            if (!properties.has(placeholder) && !beans.contains(placeholder) && !placeholder.equals("routeId")) {
                problems.add("{{" + placeholder + "}}: used but not declared");
            }
        }
        return problems;
    }

    private static List<Path> kamelets() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".kamelet.yaml")).sorted().toList();
        }
    }
}
