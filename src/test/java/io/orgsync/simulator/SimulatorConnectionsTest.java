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
            // the client gives up long before the answer comes
            simulator.faults().slow("/cgi-bin/gettoken", Duration.ofMillis(1500));
            long before = socketsNoLongerConnected();
            int abandoned = 10;
            int gaveUp = 0;
            for (int i = 0; i < abandoned; i++) {
                try {
                    HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                            URI.create(simulator.baseUrl() + "/cgi-bin/gettoken?corpid=x&corpsecret=y"))
                            .timeout(Duration.ofMillis(150)).build(), HttpResponse.BodyHandlers.ofInputStream());
                    response.body().close();
                } catch (HttpTimeoutException expected) {
                    gaveUp++; // the point: the client gave up
                }
            }
            assertThat(gaveUp).as("requests the client abandoned").isEqualTo(abandoned);

            // every slowed answer has been attempted once the simulator's port has no connection
            // left in the TCP tables; a leaked socket then shows as a descriptor no table lists
            awaitTrue(() -> connectionsOfPort(simulator.port()) == 0, "the abandoned connections answered");
            awaitTrue(() -> socketsNoLongerConnected() <= before, "no socket kept open after "
                    + abandoned + " abandoned requests (" + before + " before)");
        }
    }

    /** Polls, for there is nothing to be notified by; a minute is far more than it ever needs. */
    private static void awaitTrue(IoCondition condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @FunctionalInterface
    private interface IoCondition {
        boolean holds() throws IOException;
    }

    /**
     * The simulator's side of connections on {@code port} that it has not answered and closed yet:
     * established, or closed by the client and waiting for the simulator (CLOSE_WAIT). Answered,
     * a connection leaves these states whether the simulator then closes its socket or not.
     */
    private static long connectionsOfPort(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        long count = 0;
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                String[] fields = line.trim().split("\\s+");
                boolean open = fields[3].equals("01") || fields[3].equals("08");
                if (open && fields[1].endsWith(hexPort)) {
                    count++;
                }
            }
        }
        return count;
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
