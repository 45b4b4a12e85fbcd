package io.orgsync.source.wuhan;

import io.orgsync.run.DepartmentTree;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.wuhan.WuhanWire.ChildOrg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The breadth-first walk of {@code get-child-list}, which answers one level at a time and gives
 * children without their parent's id. The walk therefore records the parent itself, remembers
 * every node it has seen, and never asks for a node twice, so it ends on any answer: a child that
 * is an ancestor of the node that lists it is a cycle and fails the run; a child already seen
 * elsewhere keeps its first parent.
 *
 * <p>Routes keep one in the exchange property {@value #PROPERTY}; the level loop runs
 * {@code doWhile: ${exchangeProperty.wuhanTree.more}}. Used by one route thread at a time.
 */
public final class OrgTreeWalk {

    public static final String PROPERTY = "wuhanTree";
    /** In-school trees are a handful of levels deep (school, campus, stage, grade, class). */
    static final int MAX_DEPTH = 64;

    private static final Logger LOG = LoggerFactory.getLogger(OrgTreeWalk.class);

    private final String source;
    private final String rootId;
    private final Map<String, String> parentOf = new HashMap<>();
    private List<String> level;
    private List<String> next = new ArrayList<>();
    private int depth;
    private boolean available = true;

    OrgTreeWalk(String source, String rootId) {
        this.source = source;
        this.rootId = rootId;
        this.parentOf.put(rootId, null);
        this.level = List.of(rootId);
    }

    public String rootId() {
        return rootId;
    }

    /** The nodes whose children are asked for next. */
    public List<String> level() {
        return Collections.unmodifiableList(level);
    }

    public boolean isMore() {
        return !level.isEmpty();
    }

    /** {@code false} once get-child-list refused the root: departments then come from the members. */
    public boolean available() {
        return available;
    }

    boolean contains(String orgId) {
        return parentOf.containsKey(orgId);
    }

    void unavailable() {
        available = false;
        level = List.of();
        next = new ArrayList<>();
    }

    /**
     * Records the children {@code parentId}'s list gave and answers those that are new, in the
     * vendor's order.
     *
     * @throws DepartmentTree.DepartmentCycleException when a child is {@code parentId} or one of its ancestors
     */
    List<ChildOrg> addChildren(String parentId, List<ChildOrg> children) {
        List<ChildOrg> added = new ArrayList<>();
        List<String> chain = ancestry(parentId);
        for (ChildOrg child : children) {
            String id = child.orgId();
            if (id == null || id.isBlank()) {
                LOG.warn("{}: get-child-list of {} lists a node without org_id; ignored", source, parentId);
                continue;
            }
            int at = chain.indexOf(id);
            if (at >= 0) {
                List<String> cycle = new ArrayList<>(chain.subList(0, at + 1));
                Collections.reverse(cycle);
                cycle.add(id);
                throw new DepartmentTree.DepartmentCycleException(String.join(" → ", cycle)
                        + " (get-child-list of " + parentId + " lists its ancestor " + id + ")");
            }
            if (parentOf.containsKey(id)) {
                LOG.warn("{}: org node {} is listed under both {} and {}; kept under the first", source, id,
                        parentOf.get(id), parentId);
                continue;
            }
            parentOf.put(id, parentId);
            added.add(child);
            // has_child false saves a call per class, the bulk of the tree
            if (child.mayHaveChildren()) {
                next.add(id);
            }
        }
        return added;
    }

    /** Moves to the next level; answers it (empty when the walk is done). */
    List<String> advance() {
        level = next;
        next = new ArrayList<>();
        if (!level.isEmpty() && ++depth >= MAX_DEPTH) {
            throw new RunFailedException(source + ": the org tree under " + rootId + " is more than " + MAX_DEPTH
                    + " levels deep; the vendor's child lists do not end");
        }
        return level();
    }

    /** {@code id}, its parent, … up to the root. */
    private List<String> ancestry(String id) {
        List<String> chain = new ArrayList<>();
        for (String at = id; at != null; at = parentOf.get(at)) {
            chain.add(at);
            if (chain.size() > parentOf.size()) {
                break; // cannot happen: every node gets its parent once, before its children are read
            }
        }
        return chain;
    }
}
