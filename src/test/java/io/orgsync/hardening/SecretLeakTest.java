package io.orgsync.hardening;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.sun.net.httpserver.HttpServer;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.Credentials;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets (docs/guarantees.md): no secret ever appears in a log line, an exception, a manifest, a database
 * row or an export. Every credential is a canary, every token the simulated vendors issue is read
 * back from them, every logger orgsync's logback configuration lets an operator lower is at DEBUG,
 * and all four sources plus the webhook sink (one receiver up, one down so dead letters are
 * written) run, including failed runs whose errors quote vendor answers. Then everything the
 * bundle wrote is searched.
 */
@Timeout(180)
class SecretLeakTest {

    private static final String WECOM_SECRET = "canaryWecomCorpSecret0000000000000000000001";
    private static final String SCHOOL_SECRET = "canarySchoolCorpSecret000000000000000000002";
    private static final String FEISHU_SECRET = "canaryFeishuAppSecret00000000003";
    private static final String WUHAN_KEY = "canaryWuhanAppKey0000000004";
    private static final String DB_PASSWORD = "canaryDbPassword0000000005";
    private static final String HASH_KEY = "canaryPrivacyHashKey0000007";
    private static final String WEBHOOK_KEY = "canary-webhook-secret-000000006!";
    private static final String WEBHOOK_SECRET = "whsec_"
            + Base64.getEncoder().encodeToString(WEBHOOK_KEY.getBytes(StandardCharsets.US_ASCII));

    /**
     * The loggers logback.xml pins at INFO because they print raw tokens (their DEBUG output carries request URLs and headers) or resolved
     * property values at DEBUG; they stay pinned, everything else is lowered.
     */
    private static final List<String> PINNED = List.of("org.apache.camel.component.http", "org.apache.hc.client5.http",
            "jdk.internal.httpclient", "org.apache.camel.component.properties");

    @TempDir
    Path dir;

    @Test
    void noSecretOrTokenReachesAnyOutputWithEveryLoggerAtDebug() throws Exception {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Map<Logger, Level> levels = new HashMap<>();
        for (Logger logger : logging.getLoggerList()) {
            if (logger.getLevel() != null && PINNED.stream().noneMatch(logger.getName()::startsWith)) {
                levels.put(logger, logger.getLevel());
                logger.setLevel(Level.DEBUG);
            }
        }
        Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
        levels.put(root, root.getLevel());
        root.setLevel(Level.DEBUG);
        StringBuilder logged = new StringBuilder();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected synchronized void append(ILoggingEvent event) {
                logged.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(' ').append(event.getFormattedMessage()).append('\n');
                if (event.getThrowableProxy() != null) {
                    logged.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
                }
            }
        };
        capture.setContext(logging);
        capture.start();
        root.addAppender(capture);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(out, console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err, console), true, StandardCharsets.UTF_8));

        Path exports = dir.resolve("exports");
        List<String> tokens;
        List<String> errors = new ArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults()
                .withCompany(new CompanyShape(12, 3, 60)).withSchool(new SchoolShape(1, 1, 2, 2, 5)))) {
            Credentials real = simulator.credentials();
            // the simulator only accepts what it was configured with: restart it with the canaries
            simulator.close();
            try (VendorSimulator canaries = VendorSimulator.start(SimulatorConfig.defaults()
                    .withCompany(new CompanyShape(12, 3, 60)).withSchool(new SchoolShape(1, 1, 2, 2, 5))
                    .withCredentials(new Credentials(real.wecomCorpId(), WECOM_SECRET, real.wecomSchoolCorpId(),
                            SCHOOL_SECRET, real.feishuAppId(), FEISHU_SECRET, real.wuhanAppId(), WUHAN_KEY,
                            real.wuhanTopOrgId())))) {
                Map<String, String> overrides = new HashMap<>(Harness.overrides(canaries, exports,
                        SourceName.values()));
                overrides.put("orgsync.jdbc.password", DB_PASSWORD);
                overrides.put("orgsync.privacy.email", "hashed");
                overrides.put("orgsync.privacy.hash-key", HASH_KEY);
                overrides.put("orgsync.sinks", "file,jdbc,webhook");
                // the second receiver is down: its messages end as dead letters, which must not carry the secret
                overrides.put("orgsync.webhook.url", "http://127.0.0.1:" + receiver.getAddress().getPort()
                        + "/hook,http://127.0.0.1:1/down");
                overrides.put("orgsync.webhook.secret", WEBHOOK_SECRET);
                overrides.put("orgsync.webhook.max-attempts", "2");
                overrides.put("orgsync.webhook.retry-initial-delay-ms", "10");
                overrides.put("orgsync.webhook.retry-max-delay-ms", "20");
                try (OrgSyncApp app = Harness.start(overrides)) {
                    for (OrgSyncApp.RunOutcome outcome : app.syncAll()) {
                        assertThat(outcome.manifest().status()).as(outcome.source() + ": "
                                + outcome.manifest().error()).isEqualTo(RunStatus.SUCCESS);
                    }
                    // failures quote the vendors' answers: a cut-off token answer, a revoked token
                    canaries.faults().malformedBody("*", 1);
                    for (OrgSyncApp.RunOutcome outcome : app.syncAll()) {
                        errors.add(String.valueOf(outcome.manifest().error()));
                    }
                    canaries.faults().clear();
                    canaries.faults().invalidateTokens().failAlways("*", 502);
                    for (OrgSyncApp.RunOutcome outcome : app.syncAll()) {
                        Manifest manifest = outcome.manifest();
                        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
                        errors.add(String.valueOf(manifest.error()));
                    }
                    canaries.faults().clear();
                }
                tokens = new ArrayList<>(canaries.issuedTokens());
            }
        } finally {
            receiver.stop(0);
            System.setOut(out);
            System.setErr(err);
            root.detachAppender(capture);
            levels.forEach(Logger::setLevel);
        }

        assertThat(tokens).as("every vendor issued tokens").hasSizeGreaterThanOrEqualTo(4);
        assertThat(logged).as("DEBUG logging is on").contains("\nDEBUG org.apache.camel").contains("run summary");
        assertThat(Files.exists(exports.resolve("dead-letter"))).as("dead letters were written").isTrue();
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("log events", logged.toString());
        outputs.put("stdout and stderr", console.toString(StandardCharsets.UTF_8));
        outputs.put("run errors", String.join("\n", errors));
        outputs.put("database", dump(exports));
        try (Stream<Path> files = Files.walk(exports)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                outputs.put(exports.relativize(file).toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        List<String> canariesAndTokens = new ArrayList<>(List.of(WECOM_SECRET, SCHOOL_SECRET, FEISHU_SECRET,
                WUHAN_KEY, DB_PASSWORD, HASH_KEY, WEBHOOK_SECRET, WEBHOOK_SECRET.substring("whsec_".length()), WEBHOOK_KEY));
        canariesAndTokens.addAll(tokens);
        List<String> leaks = new ArrayList<>();
        outputs.forEach((where, text) -> {
            for (String secret : canariesAndTokens) {
                if (text.contains(secret)) {
                    int at = text.indexOf(secret);
                    leaks.add(where + ": " + text.substring(Math.max(0, at - 200), Math.min(text.length(),
                            at + secret.length() + 40)).replace(secret, "<<" + secretName(secret) + ">>"));
                }
            }
        });
        assertThat(outputs).hasSizeGreaterThan(10);
        assertThat(leaks).as("secrets or tokens found").isEmpty();
    }

    private static String secretName(String secret) {
        return secret.startsWith("canary") ? secret : "token or webhook secret";
    }

    /** Everything in the database, as H2 would restore it. */
    private static String dump(Path exports) throws Exception {
        StringBuilder script = new StringBuilder();
        try (Connection c = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", DB_PASSWORD);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SCRIPT")) {
            while (rs.next()) {
                script.append(rs.getString(1)).append('\n');
            }
        }
        assertThat(script).contains("INSERT INTO \"PUBLIC\".\"ORGSYNC_MEMBER\"");
        return script.toString();
    }

    /** Writes to the real console and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            synchronized (b) {
                b.write(c);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }
    }
}
