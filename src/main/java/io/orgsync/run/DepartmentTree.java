package io.orgsync.run;

import io.orgsync.model.Department;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the flat departments a vendor returned into a rooted tree: the root gets
 * {@code parentId = null}, every department its {@code path} from the root. Walks parent links
 * iteratively with a visited set, so a vendor cycle is reported instead of looping for ever.
 */
public final class DepartmentTree {

    private static final Logger LOG = LoggerFactory.getLogger(DepartmentTree.class);

    private DepartmentTree() {
    }

    /**
     * @param rootId the configured root; departments that cannot be traced up to it are orphans
     * @return departments in tree order (parents before children, siblings by id)
     * @throws DepartmentCycleException when parent links loop
     */
    public static Resolved resolve(Map<String, Department> byId, String rootId) {
        Map<String, List<String>> pathCache = new HashMap<>();
        List<String> orphans = new ArrayList<>();
        List<Department> resolved = new ArrayList<>(byId.size());
        for (Department department : byId.values()) {
            List<String> path = pathOf(department.id(), byId, rootId, pathCache, orphans);
            String parentId = department.id().equals(rootId) ? null : department.parentId();
            resolved.add(department.withPath(parentId, path));
        }
        resolved.sort(Comparator.comparing((Department d) -> String.join("\u0000", d.path())));
        if (!orphans.isEmpty()) {
            LOG.warn("{} department(s) cannot be traced to root {} and are kept under their top-most known ancestor: {}",
                    orphans.size(), rootId, orphans.size() > 20 ? orphans.subList(0, 20) + " …" : orphans);
        }
        return new Resolved(resolved, List.copyOf(orphans));
    }

    private static List<String> pathOf(String id, Map<String, Department> byId, String rootId,
                                       Map<String, List<String>> cache, List<String> orphans) {
        List<String> cached = cache.get(id);
        if (cached != null) {
            return cached;
        }
        Deque<String> chain = new ArrayDeque<>();
        Set<String> seen = new LinkedHashSet<>();
        String current = id;
        List<String> prefix = List.of();
        while (true) {
            if (!seen.add(current)) {
                throw new DepartmentCycleException(cycleFrom(seen, current));
            }
            chain.push(current);
            if (current.equals(rootId)) {
                break;
            }
            Department department = byId.get(current);
            String parent = department == null ? null : department.parentId();
            if (parent == null || !byId.containsKey(parent)) {
                orphans.add(current);
                break;
            }
            List<String> parentPath = cache.get(parent);
            if (parentPath != null) {
                prefix = parentPath;
                break;
            }
            current = parent;
        }
        List<String> path = new ArrayList<>(prefix);
        List<String> newest = new ArrayList<>(chain);
        path.addAll(newest);
        // every department on the chain now has a known path: cache them all so the walk is linear overall
        for (int i = 0; i < newest.size(); i++) {
            cache.putIfAbsent(newest.get(i), List.copyOf(path.subList(0, prefix.size() + i + 1)));
        }
        return cache.get(id);
    }

    private static String cycleFrom(Set<String> seen, String repeated) {
        List<String> order = new ArrayList<>(seen);
        List<String> loop = new ArrayList<>(order.subList(order.indexOf(repeated), order.size()));
        loop.add(repeated);
        return String.join(" → ", loop);
    }

    public record Resolved(List<Department> departments, List<String> orphans) {
        public Set<String> ids() {
            Set<String> ids = new HashSet<>();
            departments.forEach(d -> ids.add(d.id()));
            return ids;
        }
    }

    public static final class DepartmentCycleException extends RunFailedException {
        public DepartmentCycleException(String cycle) {
            super("department cycle in the vendor's tree: " + cycle);
        }
    }
}
