package io.orgsync.hardening;

import org.junit.jupiter.params.provider.MethodSource;
import io.orgsync.Sources;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.CompanyShape;
import io.orgsync.simulator.FaultInjector;
import io.orgsync.simulator.FaultInjector.Hostile;
import io.orgsync.simulator.SchoolShape;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A vendor (or a gateway in front of it) answers an HTML error page that echoes a mobile number,
 * an e-mail address and the access token, in its title and its body. The run fails naming why,
 * and none of the three reaches a log line, an exception, the manifest, the database or an
 * export: the error describes the page (content type, length, masked title), it never quotes it.
 * Both a token call (the page carries the token just issued) and a business call (the page
 * echoes the token the request carried) are hit.
 */
@Timeout(120)
class VendorErrorPagePrivacyTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.orgsync.Sources#all")
    void aLeakyErrorPageFailsTheRunWithoutRepeatingWhatItLeaks(SourceName source) throws Exception {
        Vendor vendor = Sources.simulated(source);
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger orgsync = logging.getLogger("io.orgsync");
        Level level = orgsync.getLevel();
        orgsync.setLevel(Level.DEBUG);
        StringBuilder logged = new StringBuilder();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected synchronized void append(ILoggingEvent event) {
                logged.append(event.getLevel()).append(' ').append(event.getFormattedMessage()).append('\n');
                if (event.getThrowableProxy() != null) {
                    logged.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
                }
            }
        };
        capture.setContext(logging);
        capture.start();
        Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(capture);

        Path exports = dir.resolve("exports");
        List<String> errors = new ArrayList<>();
        List<String> tokens;
        try (VendorSimulator simulator = VendorSimulator.start(SimulatorConfig.defaults()
                .withCompany(new CompanyShape(6, 2, 30)).withSchool(new SchoolShape(1, 1, 1, 2, 5)));
             OrgSyncApp app = Harness.start(Harness.overrides(simulator, exports, source))) {
            // 1. the very first request, the token call: the page carries the token just issued
            simulator.faults().hostileBodyAlways(vendor, Hostile.LEAKY_ERROR_PAGE);
            Manifest onToken = app.sync(source).manifest();
            simulator.faults().clear();
            assertFailedNamingThePage(onToken);
            errors.add(onToken.error());

            Manifest clean = app.sync(source).manifest();
            assertThat(clean.status()).as(clean.error()).isEqualTo(RunStatus.SUCCESS);
            Map<Path, String> published = Harness.tree(exports);

            // 2. a business call with the cached token: the page echoes the token the request carried
            simulator.faults().hostileBodyAlways(vendor, Hostile.LEAKY_ERROR_PAGE);
            Manifest onBusiness = app.sync(source).manifest();
            simulator.faults().clear();
            assertFailedNamingThePage(onBusiness);
            errors.add(onBusiness.error());
            assertThat(Harness.tree(exports)).as("a failed run publishes nothing").isEqualTo(published);
            tokens = new ArrayList<>(simulator.issuedTokens());
        } finally {
            root.detachAppender(capture);
            orgsync.setLevel(level);
        }

        assertThat(tokens).isNotEmpty();
        assertThat(logged).as("the failures were logged").contains("not JSON");
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("log events and exceptions", logged.toString());
        outputs.put("run errors (manifest)", String.join("\n", errors));
        outputs.put("database", dump(exports));
        try (Stream<Path> files = Files.walk(exports)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                outputs.put(exports.relativize(file).toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        List<String> leaked = new ArrayList<>(List.of(FaultInjector.LEAKED_MOBILE, FaultInjector.LEAKED_EMAIL,
                // what a partial mask would leave: the mobile's groups, the address's local part
                "12345678", "li.leak"));
        leaked.addAll(tokens);
        List<String> leaks = new ArrayList<>();
        outputs.forEach((where, text) -> leaked.stream().filter(text::contains)
                .forEach(value -> leaks.add(where + ": " + around(text, value))));
        assertThat(outputs).containsKey("database");
        assertThat(leaks).as("values echoed by the vendor's error page found in outputs").isEmpty();
    }

    private static void assertFailedNamingThePage(Manifest manifest) {
        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
        // the reason, the kind of page and its masked title: enough to recognise a gateway's page
        assertThat(manifest.error()).contains("not JSON").contains("text/html").contains("HTML title \"服务异常 ")
                .contains("<digits>").contains("<email>").contains("<masked>").hasSizeLessThan(600);
    }

    private static String around(String text, String value) {
        int at = text.indexOf(value);
        return text.substring(Math.max(0, at - 160), Math.min(text.length(), at + value.length() + 40))
                .replace(value, "<<" + value + ">>");
    }

    /** Everything in the database, orgsync_run rows with their errors included. */
    private static String dump(Path exports) throws Exception {
        StringBuilder script = new StringBuilder();
        try (Connection c = DriverManager.getConnection(Harness.databaseUrl(exports), "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SCRIPT")) {
            while (rs.next()) {
                script.append(rs.getString(1)).append('\n');
            }
        }
        assertThat(script).contains("INSERT INTO \"PUBLIC\".\"ORGSYNC_RUN\"");
        return script.toString();
    }
}
