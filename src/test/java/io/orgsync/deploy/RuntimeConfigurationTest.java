package io.orgsync.deploy;

import io.orgsync.Sources;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunCoordinator;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
            Harness.overrides(simulator, work.resolve("exports"), Sources.WECOM_SCHOOL)
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

    /**
     * The Pipe example as Camel K would run it: a foreign Camel Main with the route files the Pipe's
     * integration lists, no source of orgsync's own, the source Kamelet's secret as a
     * {@code camel.kamelet.<name>.<property>} property (the mounted Secret), and the Pipe's
     * source → sink.
     */
    @Test
    void thePipesIntegrationRunsTheKameletsWithNoSourceOfItsOwn() throws Exception {
        JsonNode pipe = CrdSchemas.documents(Files.readString(Path.of("deploy/camel-k/school-directory-to-files.pipe.yaml")))
                .get(0);
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults())) {
            Main main = new Main();
            main.setPropertyPlaceholderLocations("file:" + Path.of("application.properties").toAbsolutePath());
            main.addOverrideProperty("camel.main.configuration-classes", "io.orgsync.OrgSyncRuntimeConfiguration");
            List<String> routeFiles = new ArrayList<>();
            for (JsonNode source : pipe.at("/spec/integration/sources")) {
                routeFiles.add("file:" + Path.of("routes").toAbsolutePath().resolve(source.path("contentKey").asText()));
            }
            main.addOverrideProperty("camel.main.routes-include-pattern", String.join(",", routeFiles));
            Harness.overrides(simulator, work.resolve("exports")).forEach(main::addOverrideProperty);
            main.addOverrideProperty("orgsync.sources", "");
            main.addOverrideProperty("camel.kamelet.orgsync-wecom-school-source.corpSecret",
                    simulator.credentials().wecomSchoolCorpSecret());
            Path pipeDir = work.resolve("pipe-exports");
            JsonNode source = pipe.at("/spec/source");
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    from("kamelet:" + source.at("/ref/name").asText() + "?tenant=" + source.at("/properties/tenant").asText()
                            + "&corpId=" + simulator.credentials().wecomSchoolCorpId() + "&baseUrl=" + simulator.baseUrl()
                            + "&schedule=RAW(0/1 * * * * ?)")
                            .routeId("pipe")
                            .to("kamelet:" + pipe.at("/spec/sink/ref/name").asText() + "?dir=" + pipeDir);
                }
            });
            main.start();
            try {
                NotifyBuilder piped = new NotifyBuilder(main.getCamelContext()).fromRoute("pipe").whenCompleted(1).create();
                assertThat(piped.matches(60, TimeUnit.SECONDS)).as("a run went through the Pipe").isTrue();
                Path run = Harness.latestRun(pipeDir, "wecom-school", source.at("/properties/tenant").asText());
                assertThat(Harness.departments(run)).isNotEmpty();
                assertThat(Harness.members(run)).isNotEmpty().allSatisfy(member -> {
                    assertThat(member.tenant()).isEqualTo("east-campus");
                    assertThat(member.role()).isIn(io.orgsync.model.Role.STUDENT, io.orgsync.model.Role.PARENT);
                });
            } finally {
                main.stop();
            }
        }
    }
}
