package io.orgsync.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code {{key}}} a shipped route uses without a default resolves in the running bundle, so a
 * renamed key cannot leave a route reading nothing (the STYLE rule "every used placeholder is
 * declared").
 */
class RoutePlaceholdersTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}:?]+)(:[^}]*)?}}");

    @TempDir
    Path exports;

    @Test
    void everyPlaceholderWithoutADefaultResolves() throws IOException {
        TreeSet<String> required = new TreeSet<>();
        TreeSet<String> templateParameters = new TreeSet<>();
        for (Path file : RouteSchemaTest.routeFiles()) {
            Matcher matcher = PLACEHOLDER.matcher(Files.readString(file));
            while (matcher.find()) {
                if (matcher.group(2) == null) {
                    required.add(matcher.group(1).strip());
                }
            }
            for (JsonNode entry : YAML.readTree(file.toFile())) {
                entry.path("routeTemplate").path("parameters")
                        .forEach(parameter -> templateParameters.add(parameter.path("name").asText()));
            }
        }
        assertThat(required).as("the routes use placeholders").isNotEmpty();
        assertThat(templateParameters).as("the vendor routes are templates").contains("vendor", "normaliser", "route");
        // a route template's own parameters are filled in per tenant by TenantRoutes, not by settings
        required.removeAll(templateParameters);
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults());
             OrgSyncApp app = Harness.start(Harness.overrides(simulator, exports, SourceName.values()))) {
            List<String> unresolved = new ArrayList<>();
            for (String key : required) {
                if (app.context().getPropertiesComponent().resolveProperty(key).isEmpty()) {
                    unresolved.add(key);
                }
            }
            assertThat(unresolved).as("placeholders no setting provides").isEmpty();
        }
    }
}
