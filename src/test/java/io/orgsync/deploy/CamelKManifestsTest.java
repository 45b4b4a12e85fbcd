package io.orgsync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every manifest under deploy/camel-k against the CRD schemas of camel-k-crds 2.4.0. */
class CamelKManifestsTest {

    private static final Path DIR = Path.of("deploy/camel-k");
    private static final Map<String, String> CRD_BY_KIND = Map.of("Integration", "integrations", "Pipe", "pipes",
            "Kamelet", "kamelets");

    @Test
    void everyCamelKManifestValidatesAgainstItsCrdSchema() throws IOException {
        List<String> checked = new ArrayList<>();
        for (Path file : manifests()) {
            for (JsonNode document : CrdSchemas.documents(Files.readString(file))) {
                String kind = document.path("kind").asText();
                if (!document.path("apiVersion").asText().startsWith("camel.apache.org/")) {
                    continue;
                }
                assertThat(CRD_BY_KIND).as("%s: kind %s", file, kind).containsKey(kind);
                assertThat(document.path("apiVersion").asText()).as(file.toString()).isEqualTo("camel.apache.org/v1");
                Set<ValidationMessage> errors = CrdSchemas.validate(CrdSchemas.forCrd(CRD_BY_KIND.get(kind)), document);
                assertThat(errors).as("%s against the %s CRD", file, kind).isEmpty();
                checked.add(kind + " " + document.path("metadata").path("name").asText());
            }
        }
        assertThat(checked).contains("Integration orgsync", "Pipe school-directory-to-files");
    }

    @Test
    void theValidatorRejectsBrokenManifests() throws IOException {
        JsonSchema integrations = CrdSchemas.forCrd("integrations");
        JsonNode integration = only("orgsync.integration.yaml");
        assertThat(CrdSchemas.validate(integrations, integration)).isEmpty();

        ObjectNode typo = integration.deepCopy();
        ((ObjectNode) typo.path("spec")).put("replica", 2);
        assertThat(CrdSchemas.validate(integrations, typo)).extracting(ValidationMessage::getMessage)
                .anySatisfy(m -> assertThat(m).contains("replica"));

        ObjectNode wrongType = integration.deepCopy();
        ((ObjectNode) wrongType.path("spec")).put("replicas", "two");
        assertThat(CrdSchemas.validate(integrations, wrongType)).isNotEmpty();

        ObjectNode unknownTrait = integration.deepCopy();
        ((ObjectNode) unknownTrait.path("spec").path("traits")).putObject("mounts").putArray("configs");
        assertThat(CrdSchemas.validate(integrations, unknownTrait)).isNotEmpty();

        ObjectNode containerWithoutName = integration.deepCopy();
        ((ObjectNode) containerWithoutName.path("spec").path("template").path("spec").path("containers").get(0))
                .remove("name");
        assertThat(CrdSchemas.validate(integrations, containerWithoutName)).isNotEmpty();

        JsonNode pipe = only("school-directory-to-files.pipe.yaml");
        ObjectNode badPipe = pipe.deepCopy();
        ((ObjectNode) badPipe.path("spec").path("source")).put("ref", "orgsync-wecom-school-source");
        assertThat(CrdSchemas.validate(CrdSchemas.forCrd("pipes"), badPipe)).isNotEmpty();
    }

    /** The manifest must name things that exist: route files, the entry-point class, the env secrets. */
    @Test
    void theIntegrationNamesShippedRoutesAnExistingEntryPointAndTheSecretsTheConfigurationReads() throws Exception {
        JsonNode spec = only("orgsync.integration.yaml").path("spec");
        for (JsonNode source : spec.path("sources")) {
            assertThat(Path.of("routes").resolve(source.path("contentKey").asText())).isRegularFile();
        }
        String configurationClass = null;
        for (JsonNode property : spec.path("traits").path("camel").path("properties")) {
            if (property.asText().startsWith("camel.main.configuration-classes=")) {
                configurationClass = property.asText().substring(property.asText().indexOf('=') + 1);
            }
        }
        assertThat(configurationClass).isNotNull();
        assertThat(org.apache.camel.CamelConfiguration.class.isAssignableFrom(Class.forName(configurationClass)))
                .isTrue();

        JsonNode secret = only("orgsync-secrets.example.yaml");
        assertThat(secret.path("kind").asText()).isEqualTo("Secret");
        assertThat(spec.path("template").path("spec").path("containers").get(0).path("envFrom").get(0)
                .path("secretRef").path("name").asText()).isEqualTo(secret.path("metadata").path("name").asText());
        Set<String> readFromEnv = new java.util.HashSet<>();
        Matcher env = Pattern.compile("\\{\\{env:([A-Z0-9_]+)").matcher(Files.readString(Path.of("application.properties")));
        while (env.find()) {
            readFromEnv.add(env.group(1));
        }
        secret.path("stringData").fields().forEachRemaining(entry -> {
            assertThat(readFromEnv).as("application.properties reads %s", entry.getKey()).contains(entry.getKey());
            assertThat(entry.getValue().asText()).as("no secret value is committed").isEmpty();
        });
    }

    private static JsonNode only(String name) throws IOException {
        List<JsonNode> documents = CrdSchemas.documents(Files.readString(DIR.resolve(name)));
        assertThat(documents).hasSize(1);
        return documents.get(0);
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yaml).isNotEmpty();
            return yaml;
        }
    }
}
