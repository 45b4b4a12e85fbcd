package io.orgsync.bench;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Full syncs through the real bundle against the simulator, one JVM per run (see
 * {@link SyncBenchRun}). Not part of the normal build; run it with
 * {@code mvn -B -Pbench test -Dtest=SyncBenchmark} and choose with
 * {@code -Dbench.sources=wecom,feishu -Dbench.sizes=10000,100000 -Dbench.runs=limited,lifted,pg,256m}:
 * "limited" at the vendors' documented rates, "lifted" without limits into the file sink (its
 * state in embedded H2), each a first sync and then a second with nothing changed ("sync=again",
 * in the same JVM), "pg" lifted into the file sink and the jdbc tables in embedded PostgreSQL, "256m" lifted at {@code -Xmx256m}. Every other run gets {@code -Xmx2g}. A run still going after
 * {@code -Dbench.timeout-seconds} (600) is killed and reported as such.
 *
 * <p>{@code -Dbench.rtt-ms=40} makes the simulator answer every request that long after it came
 * (0, the default: as fast as loopback allows). A real vendor is tens of milliseconds away, and
 * the requests a run keeps in flight matter only then. {@code -Dbench.syncs=first} skips the
 * second sync (and, for Feishu, the minute it waits before it), when only first syncs are compared.
 */
class SyncBenchmark {

    /** The bundle's log line at the end of fetching: the part of a run the vendor's rate limit bounds. */
    private static final java.util.regex.Pattern FETCHED = java.util.regex.Pattern.compile("run fetched .* seconds=(\\S+)");

    @Test
    void syncsAtScale() throws Exception {
        List<String> sources = list("bench.sources", "wecom,wecom-school,feishu,wuhan-edu");
        List<String> sizes = list("bench.sizes", "10000,100000");
        List<String> runs = list("bench.runs", "limited,lifted,pg,256m");
        String rttMs = Integer.toString(Integer.getInteger("bench.rtt-ms", 0));
        String syncs = System.getProperty("bench.syncs", "first,again");
        Path work = Files.createTempDirectory("orgsync-bench");
        List<String> lines = new ArrayList<>();
        for (String size : sizes) {
            for (String source : sources) {
                for (String run : runs) {
                    String mode = run.equals("limited") ? "limited" : "lifted";
                    String db = run.equals("pg") ? "pg" : "h2";
                    String xmx = run.equals("256m") ? "-Xmx256m" : "-Xmx2g";
                    Path dir = work.resolve(source + "-" + size + "-" + run);
                    Process simulator = simulator(source, size, mode, dir, rttMs);
                    try {
                        lines.add(fork(xmx, source, size, mode, db, dir.toString(), rttMs, syncs));
                    } finally {
                        simulator.getOutputStream().close();
                        if (!simulator.waitFor(30, TimeUnit.SECONDS)) {
                            simulator.destroyForcibly();
                        }
                    }
                    // a 100,000-member run leaves gigabytes of exports and database behind
                    deleteTree(dir);
                }
            }
        }
        System.out.println("==== orgsync sync benchmark ====");
        lines.forEach(System.out::println);
        assertThat(lines).allMatch(l -> l.contains("status=success"));
    }

    /**
     * The simulator in a JVM of its own (it holds the whole generated organisation): started, and
     * waited for until it has written the settings that point the run at it.
     */
    private static Process simulator(String source, String size, String mode, Path dir, String rttMs)
            throws Exception {
        Files.createDirectories(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        // C1 only: a vendor's JIT does not run on the bundle's cores, but the simulator's C2 kept
        // compiling its request handlers through a measured first sync, however long it was warmed
        // (1.5-2 of the two cores' CPU seconds in a lifted 100,000-member Feishu sync)
        Process process = new ProcessBuilder(java, "-Xmx6g", "-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1",
                "-Dfile.encoding=UTF-8", "-cp", System.getProperty("java.class.path"), SyncBenchRun.class.getName(),
                "simulate", source, size, mode, dir.toString(), rttMs)
                .redirectErrorStream(true).redirectOutput(dir.resolve("simulator.log").toFile()).start();
        Path ready = dir.resolve(SyncBenchRun.SIMULATOR_FILE);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!Files.exists(ready)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the simulator did not start; see " + dir.resolve("simulator.log"));
            }
            Thread.sleep(100);
        }
        return process;
    }

    private static String fork(String xmx, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, xmx, "-XX:+UseG1GC",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-Dfile.encoding=UTF-8",
                "-cp", System.getProperty("java.class.path"), SyncBenchRun.class.getName()));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // a heap too small for the run thrashes in GC for ever rather than failing: give up on it
        long timeout = Long.getLong("bench.timeout-seconds", 600);
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(timeout, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        List<String> results = new ArrayList<>();
        String fetchSeconds = "-";
        StringBuilder tail = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                java.util.regex.Matcher fetched = FETCHED.matcher(line);
                if (fetched.find()) {
                    fetchSeconds = fetched.group(1);
                }
                if (line.startsWith("BENCH ")) {
                    String result = line + " fetch=" + fetchSeconds + "s" + (xmx.equals("-Xmx256m") ? " (-Xmx256m)" : "");
                    results.add(result);
                    System.out.println(result);
                } else {
                    tail.append(line).append('\n');
                    if (tail.length() > 20_000) {
                        tail.delete(0, tail.length() - 10_000);
                    }
                }
            }
        }
        int exit = process.waitFor();
        if (results.isEmpty()) {
            String tailEnd = tail.length() > 2000 ? tail.substring(tail.length() - 2000) : tail.toString();
            return "BENCH " + String.join(" ", args) + " " + xmx + " status=" + (exit == 137 ? "killed-after-timeout"
                    : "crashed") + " exit=" + exit + "\n" + tailEnd;
        }
        return String.join("\n", results);
    }

    /** Also the simulator's warm-up ({@link SyncBenchRun}) clears up with this. */
    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static List<String> list(String property, String fallback) {
        return Arrays.asList(System.getProperty(property, fallback).split(","));
    }
}
