package io.orgsync.sink.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.CanonicalJson;
import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import io.orgsync.model.Member;
import io.orgsync.model.Relation;
import io.orgsync.model.Role;
import io.orgsync.model.Status;
import io.orgsync.run.Change;
import io.orgsync.run.ChangeCounts;
import io.orgsync.run.ChangeOp;
import io.orgsync.run.Manifest;
import io.orgsync.run.RunResult;
import io.orgsync.run.RunStatus;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Runs with awkward names, secrets and settings for the webhook tests. */
final class WebhookFixtures {

    static final String SECRET = secret("orgsync-webhook-test-secret-0001");
    /** Delivery tests without a database: every run whose messages they redeliver is one they committed. */
    static final io.orgsync.run.CommittedRuns ALL_COMMITTED = java.util.Set::copyOf;
    static final String NEXT_SECRET = secret("orgsync-webhook-test-secret-0002");
    static final String WRONG_SECRET = secret("not-the-secret-the-receiver-has!");

    /** Names a careless serialiser or signer would get wrong: quotes, escapes, CJK, emoji, separators. */
    static final List<String> AWKWARD = List.of("一年级（1）班", "O'Brien \"Bob\" \\ /", "Zoë 😀 Ünïcödé",
            "line\nbreak\ttab", "\u2028para\u2029", "<b>&amp;</b>", "", "张三的妈妈");

    private WebhookFixtures() {
    }

    static String secret(String thirtyTwoBytes) {
        return "whsec_" + Base64.getEncoder().encodeToString(thirtyTwoBytes.getBytes(StandardCharsets.US_ASCII));
    }

    static Department department(String id, String name) {
        ObjectNode attributes = CanonicalJson.emptyObject();
        attributes.put("raw", 1.50);
        attributes.put("big", new java.math.BigDecimal("12345678901234567890.10"));
        return new Department("feishu", "tenant-1", id, "0", name, DepartmentType.DEPARTMENT, 3L, List.of("0", id),
                attributes);
    }

    static Member member(String id, String name) {
        return new Member("feishu", "tenant-1", id, name, Role.EMPLOYEE, List.of("d1"), "+86 138 0000 0000",
                null, Status.ACTIVE, List.of(new Relation("kid-" + id, Role.STUDENT, "爸爸")), null);
    }

    /** A run with {@code count} changes: creates, updates and deletes of departments and members. */
    static RunResult run(String runId, int count) {
        List<Change> changes = new ArrayList<>();
        List<Department> departments = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = AWKWARD.get(i % AWKWARD.size()) + " #" + i;
            ChangeOp op = ChangeOp.values()[i % 3];
            if (i % 2 == 0) {
                Department d = department("d" + i, name);
                changes.add(new Change(op, d));
                if (op != ChangeOp.DELETE) {
                    departments.add(d);
                }
            } else {
                Member m = member("m" + i, name);
                changes.add(new Change(op, m));
                if (op != ChangeOp.DELETE) {
                    members.add(m);
                }
            }
        }
        ChangeCounts counts = ChangeCounts.of(changes);
        Manifest manifest = new Manifest(runId, "feishu", "tenant-1", RunStatus.SUCCESS, "2026-11-21T02:00:00Z",
                "2026-11-21T02:01:00Z", departments.size(), members.size(), counts.created(), counts.updated(),
                counts.deleted(), 42, 3, 0, null);
        return new RunResult(manifest, departments, members, changes);
    }

    static Function<String, Optional<String>> lookup(Map<String, String> values) {
        return key -> Optional.ofNullable(values.get(key));
    }

    /** Settings fast enough for tests: short back-off and budget. */
    static Map<String, String> fast(URI... urls) {
        Map<String, String> values = new HashMap<>();
        values.put("orgsync.webhook.url", String.join(",", java.util.Arrays.stream(urls).map(URI::toString).toList()));
        values.put("orgsync.webhook.secret", SECRET);
        values.put("orgsync.webhook.batch-size", "3");
        values.put("orgsync.webhook.max-attempts", "5");
        values.put("orgsync.webhook.retry-budget-ms", "3000");
        values.put("orgsync.webhook.retry-initial-delay-ms", "20");
        values.put("orgsync.webhook.retry-max-delay-ms", "100");
        values.put("orgsync.webhook.connect-timeout-ms", "1000");
        values.put("orgsync.webhook.read-timeout-ms", "2000");
        return values;
    }

    static WebhookSettings settings(Map<String, String> values) {
        return WebhookSettings.load(lookup(values));
    }
}
