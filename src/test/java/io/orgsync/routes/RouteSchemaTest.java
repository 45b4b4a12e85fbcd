package io.orgsync.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shipped route file validates against the YAML DSL schema inside camel-yaml-dsl (the
 * validator Maven plugin does not resolve for this build), and follows the house rule that
 * routes and their split, loop and dynamic-to steps carry ids.
 */
class RouteSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = RouteSchemaTest.class.getResourceAsStream("/schema/camelYamlDsl.json")) {
            assertThat(in).as("camel-yaml-dsl ships its JSON schema").isNotNull();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRouteFileValidates() throws IOException {
        return routeFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Set<ValidationMessage> problems = schema.validate(YAML.readTree(file.toFile()));
            assertThat(problems).as("schema violations in " + file).isEmpty();
        }));
    }

    @Test
    void theValidatorCatchesATypo() throws IOException {
        JsonNode broken = YAML.readTree("""
                - route:
                    id: broken
                    from:
                      uri: direct:x
                      steps:
                        - spilt:
                            simple: ${body}
                """);
        assertThat(schema.validate(broken)).isNotEmpty();
    }

    @TestFactory
    Stream<DynamicTest> routesAndLoopingStepsHaveIds() throws IOException {
        return routeFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            List<String> missing = new ArrayList<>();
            for (JsonNode entry : YAML.readTree(file.toFile())) {
                if (entry.has("route") && !entry.get("route").hasNonNull("id")) {
                    missing.add("a route");
                }
                collectMissingIds(entry, missing);
            }
            assertThat(missing).as("steps without id in " + file).isEmpty();
        }));
    }

    private static void collectMissingIds(JsonNode node, List<String> missing) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (Set.of("split", "loop", "toD").contains(field.getKey()) && field.getValue().isObject()
                        && !field.getValue().hasNonNull("id")) {
                    missing.add(field.getKey());
                }
                collectMissingIds(field.getValue(), missing);
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectMissingIds(child, missing));
        }
    }

    static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            List<Path> list = files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
            assertThat(list).as("route files under routes/").isNotEmpty();
            return list;
        }
    }
}
