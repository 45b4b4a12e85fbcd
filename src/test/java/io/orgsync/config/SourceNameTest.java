package io.orgsync.config;

import io.orgsync.source.wecom.WecomPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sources are found on the class path, not listed in code: what is found must be exactly the
 * sources the shipped route files and Kamelets are written for.
 */
class SourceNameTest {

    private static final Pattern SYNC_TEMPLATE = Pattern.compile("(?m)^\\s+id: (\\S+)-sync-template\\s*$");

    @Test
    void theSourcesFoundAreTheOnesTheRouteFilesHaveASyncTemplateFor() throws IOException {
        List<String> templated = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.sorted().toList()) {
                Matcher m = SYNC_TEMPLATE.matcher(Files.readString(file));
                while (m.find()) {
                    templated.add(m.group(1));
                }
            }
        }
        assertThat(Stream.of(SourceName.values()).map(SourceName::id))
                .containsExactlyInAnyOrderElementsOf(templated)
                .allSatisfy(id -> assertThat(Path.of("kamelets", "orgsync-" + id + "-source.kamelet.yaml")).exists());
    }

    @Test
    void aNameFindsItsSourceAndNothingElse() {
        for (SourceName source : SourceName.values()) {
            assertThat(SourceName.of(source.id())).containsSame(source);
            assertThat(source.definition().id()).isEqualTo(source.id());
        }
        assertThat(SourceName.of("WECOM")).isEmpty();
        assertThat(SourceName.of("dingtalk")).isEmpty();
    }

    @Test
    void aDefinitionNamedTwiceOnTheClassPathIsRefused(@TempDir Path dir) throws IOException {
        // a second jar bringing a definition of its own under a name already taken
        Path services = dir.resolve("META-INF/services/io.orgsync.source.SourceDefinition");
        Files.createDirectories(services.getParent());
        Files.writeString(services, AnotherWecom.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertThatThrownBy(() -> SourceName.discover(loader))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("two source definitions are named 'wecom'");
        }
    }

    @Test
    void aClassPathWithoutTheServiceFileNamesWhatIsMissing(@TempDir Path dir) throws IOException {
        // the platform loader sees none of the bundle's classes or files
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> SourceName.discover(loader))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("META-INF/services/io.orgsync.source.SourceDefinition");
        }
    }

    /** Found through the service file above only. */
    public static final class AnotherWecom implements WecomPlatform {

        @Override
        public String id() {
            return "wecom";
        }

        @Override
        public String defaultRootDepartmentId() {
            return "1";
        }

        @Override
        public Map<String, Object> beans(SourceSettings tenant) {
            return Map.of();
        }
    }
}
