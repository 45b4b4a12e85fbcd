package io.orgsync.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code target/orgsync.jar} as users run it, for the tests that start it as a process of its own:
 * a working directory holding the shipped {@code application.properties} and {@code routes/}, and
 * the {@code java -jar} command line.
 */
public final class BundleProcess {

    private BundleProcess() {
    }

    /** Copies the project's application.properties and routes into {@code work}. */
    public static void copyProjectFiles(Path work) throws IOException {
        Files.copy(Path.of("application.properties"), work.resolve("application.properties"));
        Path routes = Files.createDirectories(work.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
    }

    /** The built jar ({@code -Dorgsync.jar} or target/orgsync.jar); failsafe runs after package. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("orgsync.jar", "target/orgsync.jar")).toAbsolutePath();
        assertThat(jar).as("run mvn package first").exists();
        return jar;
    }

    /** {@code java <jvmOptions> -jar orgsync.jar <arguments>} with this JVM's java. */
    public static List<String> command(List<String> jvmOptions, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(arguments));
        return command;
    }
}
