package io.orgsync.source.feishu;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * The level-by-level walk that replaces a recursive listing refused with 43010: a FIFO queue of
 * departments whose children are still to be listed, so the tree is read breadth first. A
 * department is queued at most once, so a vendor cycle reachable from the root ends the walk
 * instead of feeding it for ever (the tree check reports the cycle afterwards).
 *
 * <p>Kept in the exchange property {@value #PROPERTY}; the route loops while {@link #isPending}.
 */
public final class FeishuWalk {

    public static final String PROPERTY = "feishuWalk";

    private final Deque<String> queue = new ArrayDeque<>();
    private final Set<String> queued = new HashSet<>();

    FeishuWalk(String root) {
        add(root);
    }

    public boolean isPending() {
        return !queue.isEmpty();
    }

    String next() {
        return queue.removeFirst();
    }

    void add(String departmentId) {
        if (queued.add(departmentId)) {
            queue.addLast(departmentId);
        }
    }
}
