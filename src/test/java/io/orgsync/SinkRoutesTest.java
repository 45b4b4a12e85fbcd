package io.orgsync;

import io.orgsync.config.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every run is applied to the database through the sink-jdbc route, listed in orgsync.sinks or
 * not: a routes directory from before that route existed must stop the start, not fail every run.
 */
class SinkRoutesTest {

    @Test
    void aRoutesDirectoryWithoutTheJdbcSinkRouteIsAConfigurationError(@TempDir Path dir) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        for (String file : new String[]{"orgsync.camel.yaml", "file-sink.camel.yaml", "wecom-school.camel.yaml"}) {
            Files.copy(Path.of("routes", file), routes.resolve(file));
        }
        Map<String, String> overrides = Map.of("orgsync.wecom-school.corp-id", "ww1",
                "orgsync.wecom-school.corp-secret", "not-used",
                "orgsync.jdbc.url", "jdbc:h2:file:" + dir.resolve("db/orgsync").toAbsolutePath());

        assertThatThrownBy(() -> {
            try (OrgSyncApp app = OrgSyncApp.create(Path.of("application.properties"), routes, overrides, true)) {
                app.start();
            }
        }).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("--routes: no route from direct:sink-jdbc");
    }
}
