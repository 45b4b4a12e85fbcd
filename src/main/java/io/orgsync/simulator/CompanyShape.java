package io.orgsync.simulator;

/**
 * Size of the generated company. {@code departments} counts the root; {@code depth} is the
 * distance from the root to the deepest department (the tree always reaches it exactly).
 * {@code wideRoot} gives the root at least that many child departments and direct members on top
 * of the random tree: random attachment alone never makes a department wide enough to page a
 * Feishu listing (50 per page) without generating thousands of departments.
 */
public record CompanyShape(int departments, int depth, int employees, int wideRoot) {

    /** A company without a wide root. */
    public CompanyShape(int departments, int depth, int employees) {
        this(departments, depth, employees, 0);
    }

    public CompanyShape {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1: " + depth);
        }
        if (departments < depth + 1) {
            throw new IllegalArgumentException("a tree of depth " + depth + " needs at least " + (depth + 1)
                    + " departments, got " + departments);
        }
        if (employees < 0 || employees > 20_000_000) {
            throw new IllegalArgumentException("employees out of range: " + employees);
        }
        if (wideRoot < 0 || departments < depth + 1 + wideRoot || employees < wideRoot) {
            throw new IllegalArgumentException("a wide root of " + wideRoot + " needs " + wideRoot
                    + " departments beyond the chain of depth " + depth + " and as many employees, got "
                    + departments + " departments and " + employees + " employees");
        }
    }

    /** 30 departments, depth 6, 120 employees. */
    public static CompanyShape demo() {
        return new CompanyShape(30, 6, 120);
    }
}
