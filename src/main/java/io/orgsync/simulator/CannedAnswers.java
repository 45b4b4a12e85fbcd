package io.orgsync.simulator;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Answers a test sets for particular requests in place of the simulated organisation's: the
 * vendors' own documented example bodies served verbatim, or one department answering an error
 * code. A canned answer stands in for the vendor's handler only (the request is still counted,
 * paced and subject to faults); it does not check the token, as tests serving examples do not
 * revoke them.
 */
public final class CannedAnswers {

    private record Canned(String path, Map<String, String> query, SimResponse response) {

        boolean matches(SimRequest request) {
            if (!path.equals(request.path)) {
                return false;
            }
            for (Map.Entry<String, String> expected : query.entrySet()) {
                String actual = request.query(expected.getKey());
                // a null value means the parameter must be absent (a first page has no page token)
                boolean absent = actual == null || actual.isEmpty();
                if (expected.getValue() == null ? !absent : !expected.getValue().equals(actual)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Canned> answers = new CopyOnWriteArrayList<>();

    CannedAnswers() {
    }

    /**
     * Answers every request for {@code path} whose query holds {@code query} (a value of
     * {@code null}: the parameter is absent) with {@code json}. The first matching answer set wins.
     */
    public CannedAnswers answer(String path, Map<String, String> query, int httpStatus, String json) {
        Objects.requireNonNull(path);
        answers.add(new Canned(path, new HashMap<>(query),
                SimResponse.json(httpStatus, json.getBytes(StandardCharsets.UTF_8))));
        return this;
    }

    /** {@link #answer(String, Map, int, String)} with HTTP 200, as WeCom answers even its errors. */
    public CannedAnswers answer(String path, Map<String, String> query, String json) {
        return answer(path, query, 200, json);
    }

    public void clear() {
        answers.clear();
    }

    /** The canned answer for this request, or null: the simulated vendor answers. */
    SimResponse take(SimRequest request) {
        if (answers.isEmpty()) {
            return null;
        }
        for (Canned canned : answers) {
            if (canned.matches(request)) {
                return canned.response();
            }
        }
        return null;
    }
}
