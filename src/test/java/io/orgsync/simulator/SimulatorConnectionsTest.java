package io.orgsync.simulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that gives up on a slow answer must not cost the simulator a socket: on JDK 17 the
 * JDK server kept such a connection open until it stopped, which the soak benchmark saw as the
 * test JVM's descriptors creeping (and blamed on orgsync).
 */
@EnabledOnOs(OS.LINUX)
class SimulatorConnectionsTest {

    @Test
    void requestsAbandonedByAClientTimeoutLeaveNoSocketOpen() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults())) {
            simulator.faults().slow("/cgi-bin/gettoken", Duration.ofMillis(600));
            long before = socketsNoLongerConnected();
            int abandoned = 10;
            for (int i = 0; i < abandoned; i++) {
                try {
                    HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                            URI.create(simulator.baseUrl() + "/cgi-bin/gettoken?corpid=x&corpsecret=y"))
                            .timeout(Duration.ofMillis(150)).build(), HttpResponse.BodyHandlers.ofInputStream());
                    response.body().close();
                } catch (HttpTimeoutException expected) {
                    // the point: the client gave up
                }
            }
            // every slowed answer has been attempted once its delay is over
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long after = socketsNoLongerConnected();
            while (after > before && System.nanoTime() < deadline) {
                Thread.sleep(100); // polling /proc, nothing to be notified by
                after = socketsNoLongerConnected();
            }
            assertThat(after).as("sockets kept open after %d abandoned requests", abandoned).isLessThanOrEqualTo(before);
        }
    }

    /** Descriptors of sockets that no TCP table lists any more: closed by the peer, never by us. */
    private static long socketsNoLongerConnected() throws IOException {
        Set<String> tcp = new HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                tcp.add(line.trim().split("\\s+")[9]);
            }
        }
        long count = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && !tcp.contains(target.substring(8, target.length() - 1))) {
                        count++;
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor
                }
            }
        }
        return count;
    }
}
