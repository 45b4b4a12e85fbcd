package io.orgsync;

import io.orgsync.config.ConfigurationException;
import io.orgsync.config.JdbcSettings;
import io.orgsync.sink.jdbc.Database;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two orgsync processes on one embedded H2 database: H2 lets only one process open the file, and
 * the second is told which process is in the way and what to do, not that its configuration broke.
 */
@Timeout(120)
class EmbeddedDatabaseInUseTest {

    private static final String HOLDING = "orgsync-test: holding the database";

    @TempDir
    Path dir;

    @Test
    void aSecondProcessIsToldAnotherHoldsTheDatabaseAndWhatToDo() throws Exception {
        String url = Harness.databaseUrl(dir.resolve("exports"));
        Path file = dir.resolve("exports-db").resolve("orgsync.mv.db").toAbsolutePath();
        String expected = "orgsync.jdbc.url: another orgsync process (or other program) holds the embedded database at "
                + file + "; stop it, or point orgsync.jdbc.url at a server database (PostgreSQL, MariaDB or MySQL) "
                + "for several processes to share";

        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(), url)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader otherOut = new BufferedReader(new InputStreamReader(other.getInputStream(),
                StandardCharsets.UTF_8))) {
            awaitLine(otherOut, HOLDING);
            assertThat(file).exists();

            assertThatThrownBy(() -> Database.open(new JdbcSettings(url, "", "")).close())
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                        assertThat(e.key()).isEqualTo("orgsync.jdbc.url");
                        assertThat(e.getMessage()).isEqualTo(expected);
                    });
            Result result = runOnce(config(url));
            assertThat(result.exit()).isEqualTo(OrgSync.EXIT_CONFIGURATION);
            assertThat(result.err()).isEqualTo("orgsync: configuration error: " + expected + System.lineSeparator());

            // closing its stdin ends the other process, which releases the file
            other.getOutputStream().close();
            while (otherOut.readLine() != null) {
                // drained, so that it never blocks on a full pipe while closing
            }
            assertThat(other.waitFor()).isZero();
        } finally {
            other.destroyForcibly();
        }
        // the only thing in the way was the other process
        Database.open(new JdbcSettings(url, "", "")).close();
    }

    private static void awaitLine(BufferedReader out, String wanted) throws IOException {
        for (String line = out.readLine(); ; line = out.readLine()) {
            assertThat(line).as("the holding process ended before it held the database").isNotNull();
            if (line.equals(wanted)) {
                return;
            }
        }
    }

    private Path config(String url) throws IOException {
        StringBuilder text = new StringBuilder(Files.readString(Path.of("application.properties")));
        for (String line : List.of("orgsync.wecom-school.corp-id = ww1", "orgsync.wecom-school.corp-secret = unused",
                "orgsync.file.dir = " + dir.resolve("exports"), "orgsync.jdbc.url = " + url)) {
            text.append('\n').append(line);
        }
        return Files.writeString(dir.resolve("application.properties"), text.append('\n'));
    }

    private record Result(int exit, String err) {
    }

    private static Result runOnce(Path config) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new OrgSync(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new String[]{"--run-once", "--config", config.toString(), "--routes", "routes"});
        return new Result(exit, err.toString(StandardCharsets.UTF_8));
    }

    /** The other orgsync process: opens the database as orgsync does and holds it until its stdin closes. */
    public static final class Holder {
        public static void main(String[] args) throws IOException {
            try (Database database = Database.open(new JdbcSettings(args[0], "", ""))) {
                System.out.println(HOLDING);
                System.out.flush();
                while (System.in.read() >= 0) {
                    // held until the test closes our stdin
                }
            }
        }
    }
}
