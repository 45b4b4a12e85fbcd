package io.orgsync.source;

import io.orgsync.Sources;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.orgsync.OrgSyncApp;
import io.orgsync.config.SourceName;
import io.orgsync.model.Department;
import io.orgsync.model.Member;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunStatus;
import io.orgsync.simulator.CompanyOrg;
import io.orgsync.simulator.SchoolOrg;
import io.orgsync.simulator.SimulatorConfig;
import io.orgsync.simulator.Vendor;
import io.orgsync.simulator.VendorSimulator;
import io.orgsync.testing.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A vendor that revokes its token every few calls while the source has its default number of
 * requests in flight, so several requests are refused with the same stale token at once. Each
 * revoked token is refreshed once, and the run publishes everything; only a token refused on its
 * first use fails the run, as a permission problem.
 */
@Timeout(180)
class TokenRevocationSyncTest {

    /** Fewer than WeCom's and Feishu's default five in flight: most revocations meet requests still on their way. */
    private static final int REVOKE_EVERY = 4;

    private static VendorSimulator simulator;

    @TempDir
    Path exports;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    /** The three sources with a token shared by parallel requests (Wuhan sends one request at a time). */
    enum Source {
        WECOM(Sources.WECOM, Vendor.WECOM, "/cgi-bin/gettoken"),
        WECOM_SCHOOL(Sources.WECOM_SCHOOL, Vendor.WECOM_SCHOOL, "/cgi-bin/gettoken"),
        FEISHU(Sources.FEISHU, Vendor.FEISHU, "/open-apis/auth/v3/tenant_access_token/internal");

        final SourceName name;
        final Vendor vendor;
        final String tokenPath;

        Source(SourceName name, Vendor vendor, String tokenPath) {
            this.name = name;
            this.vendor = vendor;
            this.tokenPath = tokenPath;
        }
    }

    @BeforeAll
    static void startSimulator() {
        simulator = VendorSimulator.start(SimulatorConfig.defaults());
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.faults().clear();
        simulator.resetCounters();
        log.start();
        ((Logger) LoggerFactory.getLogger("io.orgsync")).addAppender(log);
    }

    @AfterEach
    void noTokenLogged() {
        ((Logger) LoggerFactory.getLogger("io.orgsync")).detachAppender(log);
        assertThat(log.list).as("the bundle logged").isNotEmpty();
        for (ILoggingEvent event : log.list) {
            for (String token : simulator.issuedTokens()) {
                assertThat(event.getFormattedMessage()).as("no token in a log line").doesNotContain(token);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void tokensRevokedEveryFewCallsWithRequestsInFlightAreRefreshedOnceEachAndTheRunIsComplete(Source source) {
        // answers a few milliseconds late, so that requests overlap and meet a revocation together
        simulator.faults().revokeTokensEvery(source.vendor, REVOKE_EVERY).slow(source.vendor, Duration.ofMillis(5));

        Manifest manifest = sync(source);

        assertThat(manifest.status()).as(String.valueOf(manifest.error())).isEqualTo(RunStatus.SUCCESS);
        long revocations = simulator.faults().tokenRevocations(source.vendor);
        long tokenRequests = simulator.calls(source.tokenPath);
        System.out.printf("%s: %d revocations, %d token requests, %d requests, %d retries%n", source.name.id(),
                revocations, tokenRequests, simulator.calls(), manifest.retries());
        assertThat(revocations).as("the run was long enough to see tokens revoked").isGreaterThanOrEqualTo(3);
        assertThat(tokenRequests).as("one refresh per revoked token").isEqualTo(revocations + 1);
        assertThat(manifest.retries()).as("every refused request was sent again").isGreaterThanOrEqualTo(revocations);
        // more refusals than revocations: some revoked token met several requests in flight, the
        // case this test is about; one request at a time would pass the assertions above as well
        assertThat(manifest.retries()).as("requests refused with a token already revoked for another")
                .isGreaterThan(revocations);
        assertThat(manifest.apiCalls()).as("token requests and retries counted").isEqualTo(simulator.calls());

        Path runDir = exports.resolve(source.name.id()).resolve(manifest.tenant()).resolve(manifest.runId());
        Set<String> members = Harness.members(runDir).stream().map(Member::id).collect(Collectors.toSet());
        Set<String> departments = Harness.departments(runDir).stream().map(Department::id)
                .collect(Collectors.toSet());
        assertThat(members).as("every member of the generated organisation").isEqualTo(expectedMembers(source));
        assertThat(departments).as("every department of the generated organisation")
                .isEqualTo(expectedDepartments(source));
        assertThat(manifest.members()).isEqualTo(members.size());
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void aFreshTokenRefusedOnItsFirstUseFailsTheRunAsAPermissionProblem(Source source) {
        simulator.faults().revokeTokensEvery(source.vendor, 0);

        Manifest manifest = sync(source);

        assertThat(manifest.status()).isEqualTo(RunStatus.FAILED);
        assertThat(manifest.error()).contains("freshly issued access token").contains("check the app's permissions");
        for (String token : simulator.issuedTokens()) {
            assertThat(manifest.error()).as("no token in the message").doesNotContain(token);
        }
        assertThat(simulator.calls(source.tokenPath)).as("no token was refreshed more than once")
                .isLessThanOrEqualTo(simulator.faults().tokenRevocations(source.vendor) + 1);
        assertThat(manifest.apiCalls()).isEqualTo(simulator.calls());
        assertThat(exports.resolve(source.name.id())).as("nothing published").doesNotExist();
    }

    private Manifest sync(Source source) {
        try (OrgSyncApp app = Harness.start(Harness.overrides(simulator, exports, source.name))) {
            return app.sync(source.name).manifest();
        }
    }

    /** Member ids as the simulator generated them: WeCom user ids, school students and parents, Feishu open ids. */
    private static Set<String> expectedMembers(Source source) {
        CompanyOrg company = simulator.company();
        SchoolOrg school = simulator.school();
        Set<String> ids = new HashSet<>();
        switch (source) {
            case WECOM -> company.employees().forEach(e -> ids.add(e.id()));
            case FEISHU -> company.employees().forEach(e -> ids.add(e.openId()));
            case WECOM_SCHOOL -> {
                school.students().forEach(s -> ids.add(s.id()));
                school.parents().forEach(p -> ids.add(p.id()));
            }
        }
        return ids;
    }

    /** Department ids as the simulator generated them; Feishu's root is "0", the others open ids. */
    private static Set<String> expectedDepartments(Source source) {
        Set<String> ids = new HashSet<>();
        switch (source) {
            case WECOM -> simulator.company().departments().forEach(d -> ids.add(String.valueOf(d.id())));
            case FEISHU -> simulator.company().departments()
                    .forEach(d -> ids.add(d.isRoot() ? "0" : d.feishuOpenId()));
            case WECOM_SCHOOL -> simulator.school().departments().forEach(d -> ids.add(String.valueOf(d.id())));
        }
        return ids;
    }
}
