package io.orgsync.simulator;

/**
 * Size of the generated company. {@code departments} counts the root; {@code depth} is the
 * distance from the root to the deepest department (the tree always reaches it exactly).
 */
public record CompanyShape(int departments, int depth, int employees) {

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
    }

    /** 30 departments, depth 6, 120 employees. */
    public static CompanyShape demo() {
        return new CompanyShape(30, 6, 120);
    }
}
