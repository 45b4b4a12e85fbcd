package io.orgsync.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orgsync.model.Department;

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
 * Turns the flat departments a vendor returned into a forest: every department gets its
 * {@code path} from the root it hangs from, itself included. A department is a root when it is the
 * configured root, when the vendor gives it no parent, or when its parent is not among the fetched
 * departments — an app whose visible range is part of the organisation gets lists without the
 * vendor's root, as the vendors' own documented examples show (docs/sources.md). A root keeps the
 * vendor's parent id as {@code attributes.vendorParentId} and gets {@code parentId = null}, so every
 * published parent id names a published department. Walks parent links iteratively with a visited
 * set, so a vendor cycle is reported instead of looping for ever.
 */
public final class DepartmentTree {

    public static final String VENDOR_PARENT_ID = "vendorParentId";

    private DepartmentTree() {
    }

    /**
     * @param rootId the configured root (or the vendor's): always a root, even where its parent was listed
     * @return departments in tree order (parents before children, siblings by id)
     * @throws DepartmentCycleException when parent links loop
     */
    public static Resolved resolve(Map<String, Department> byId, String rootId) {
        Map<String, List<String>> pathCache = new HashMap<>();
        List<Department> resolved = new ArrayList<>(byId.size());
        List<String> roots = new ArrayList<>();
        List<Department> cutOff = new ArrayList<>();
        for (Department department : byId.values()) {
            List<String> path = pathOf(department.id(), byId, rootId, pathCache);
            if (path.size() > 1) {
                resolved.add(department.withPath(department.parentId(), path));
                continue;
            }
            roots.add(department.id());
            if (department.parentId() == null) {
                resolved.add(department.withPath(null, path));
                continue;
            }
            if (!department.id().equals(rootId)) {
                cutOff.add(department);
            }
            ObjectNode attributes = department.attributes().deepCopy();
            attributes.put(VENDOR_PARENT_ID, department.parentId());
            resolved.add(new Department(department.source(), department.tenant(), department.id(), null,
                    department.name(), department.type(), department.order(), path, attributes));
        }
        resolved.sort(Comparator.comparing((Department d) -> String.join("\u0000", d.path())));
        roots.sort(null);
        return new Resolved(resolved, List.copyOf(roots), List.copyOf(cutOff), byId.containsKey(rootId), rootId);
    }

    private static List<String> pathOf(String id, Map<String, Department> byId, String rootId,
                                       Map<String, List<String>> cache) {
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

    /**
     * @param roots      the ids every published path starts at
     * @param cutOff     departments other than the configured root whose vendor parent was not
     *                   fetched (as the vendor gave them, before they became roots)
     * @param rootListed whether the configured root was among the fetched departments
     */
    public record Resolved(List<Department> departments, List<String> roots, List<Department> cutOff,
                           boolean rootListed, String rootId) {

        public Set<String> ids() {
            Set<String> ids = new HashSet<>();
            departments.forEach(d -> ids.add(d.id()));
            return ids;
        }

        /**
         * What a manifest says of the tree's shape when it is not one tree under the root: an app
         * that sees part of the organisation, or departments whose parent the vendor did not list.
         */
        public List<String> warnings(String source) {
            if (departments.isEmpty()) {
                return List.of();
            }
            if (!rootListed) {
                return List.of(source + ": the department list does not contain the root department " + rootId
                        + " (the app's visible range is part of the organisation); published as " + roots.size()
                        + " tree(s) whose roots keep the vendor's parent as attributes." + VENDOR_PARENT_ID + ": "
                        + sample(roots));
            }
            if (cutOff.isEmpty()) {
                return List.of();
            }
            List<String> named = cutOff.stream().map(d -> d.id() + " (parent " + d.parentId() + ")").toList();
            return List.of(source + ": " + cutOff.size() + " department(s) whose parent the vendor did not list are "
                    + "published as roots, the parent kept as attributes." + VENDOR_PARENT_ID + ": " + sample(named));
        }

        static String sample(List<String> ids) {
            return ids.size() > 20 ? String.join(", ", ids.subList(0, 20)) + " … (" + ids.size() + " in all)"
                    : String.join(", ", ids);
        }
    }

    public static final class DepartmentCycleException extends RunFailedException {
        public DepartmentCycleException(String cycle) {
            super("department cycle in the vendor's tree: " + cycle);
        }
    }
}
