package io.orgsync.deploy;

import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunCoordinator;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.apache.camel.Exchange;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar as a mere dependency, the way the Camel K manifest uses it: a Camel Main that is not
 * ours, given only the route files, application.properties and the entry-point class by name
 * (camel.main.configuration-classes), still runs a sync end to end.
 */
class RuntimeConfigurationTest {

    @TempDir
    Path work;

    @Test
    void aForeignCamelMainWithOnlyTheConfigurationClassRunsASync() throws Exception {
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults())) {
            Main main = new Main();
            main.setPropertyPlaceholderLocations("file:" + Path.of("application.properties").toAbsolutePath());
            main.addOverrideProperty("camel.main.configuration-classes", "io.orgsync.OrgSyncRuntimeConfiguration");
            Path routes = Path.of("routes").toAbsolutePath();
            // the sources the Integration lists: shared lifecycle, sinks, one vendor
            main.addOverrideProperty("camel.main.routes-include-pattern", String.join(",",
                    "file:" + routes.resolve("orgsync.camel.yaml"), "file:" + routes.resolve("jdbc-sink.camel.yaml"),
                    "file:" + routes.resolve("file-sink.camel.yaml"),
                    "file:" + routes.resolve("webhook-sink.camel.yaml"),
                    "file:" + routes.resolve("wecom-school.camel.yaml")));
            Harness.overrides(simulator, work.resolve("exports"), SourceName.WECOM_SCHOOL)
                    .forEach(main::addOverrideProperty);
            main.start();
            try {
                Exchange done = main.getCamelContext().createProducerTemplate()
                        .send("direct:wecom-school-sync", exchange -> { });
                Manifest manifest = done.getProperty(RunCoordinator.MANIFEST, Manifest.class);
                assertThat(manifest.status()).as(String.valueOf(manifest)).isEqualTo(RunStatus.SUCCESS);
                assertThat(manifest.members()).isPositive();
                assertThat(Files.exists(Harness.latestRun(work.resolve("exports"), "wecom-school", manifest.tenant())))
                        .isTrue();
                // the derived default schedule reached the Quartz route, as OrgSyncApp would give it
                assertThat(main.getCamelContext().resolvePropertyPlaceholders("{{orgsync.wecom-school.schedule}}"))
                        .isEqualTo("0 0 2 * * ?");
            } finally {
                main.stop();
            }
        }
    }
}
