package io.orgsync.run;

import io.orgsync.model.Department;
import io.orgsync.model.DepartmentType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DepartmentTreeTest {

    private final Map<String, Department> byId = new LinkedHashMap<>();

    private void add(String id, String parentId) {
        byId.put(id, new Department("wecom-school", "t", id, parentId, "n" + id, DepartmentType.DEPARTMENT, null,
                null, null));
    }

    private Map<String, Department> resolve(String root) {
        return DepartmentTree.resolve(byId, root).departments().stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));
    }

    @Test
    void givesEveryDepartmentItsPathFromTheRootAndTheRootNoParent() {
        add("5", "4");
        add("1", null);
        add("4", "2");
        add("2", "1");
        add("3", "1");

        Map<String, Department> tree = resolve("1");

        assertThat(tree.get("1").parentId()).isNull();
        assertThat(tree.get("1").path()).containsExactly("1");
        assertThat(tree.get("5").path()).containsExactly("1", "2", "4", "5");
        assertThat(tree.get("3").path()).containsExactly("1", "3");
        assertThat(tree.get("5").parentId()).isEqualTo("4");
    }

    @Test
    void aConfiguredSubtreeRootLosesItsVendorParent() {
        add("1", null);
        add("2", "1");
        add("4", "2");

        Map<String, Department> tree = resolve("2");

        assertThat(tree.get("2").parentId()).isNull();
        assertThat(tree.get("4").path()).containsExactly("2", "4");
    }

    @Test
    void listsParentsBeforeChildren() {
        add("9", "8");
        add("8", "1");
        add("1", null);

        List<String> order = DepartmentTree.resolve(byId, "1").departments().stream().map(Department::id).toList();

        assertThat(order).containsExactly("1", "8", "9");
    }

    @Test
    void aCycleIsReportedWithItsMembersInsteadOfLoopingForEver() {
        add("1", null);
        add("7", "8");
        add("8", "7");

        assertThatThrownBy(() -> resolve("1"))
                .isInstanceOf(DepartmentTree.DepartmentCycleException.class)
                .hasMessageContaining("department cycle")
                .hasMessageContaining("7 → 8 → 7");
    }

    @Test
    void aSelfParentIsACycleToo() {
        add("1", null);
        add("6", "6");

        assertThatThrownBy(() -> resolve("1")).hasMessageContaining("6 → 6");
    }

    @Test
    void aDepartmentWhoseParentWasNotListedIsARootThatKeepsTheVendorsParent() {
        add("1", null);
        add("20", "404");
        add("21", "20");

        DepartmentTree.Resolved resolved = DepartmentTree.resolve(byId, "1");
        Map<String, Department> tree = resolved.departments().stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));

        assertThat(resolved.roots()).containsExactly("1", "20");
        assertThat(resolved.cutOff()).extracting(Department::id).containsExactly("20");
        assertThat(tree.get("20").parentId()).as("every published parent id names a published department").isNull();
        assertThat(tree.get("20").attributes().path("vendorParentId").asText()).isEqualTo("404");
        assertThat(tree.get("20").path()).containsExactly("20");
        assertThat(tree.get("21").path()).containsExactly("20", "21");
        assertThat(tree.get("21").parentId()).isEqualTo("20");
        assertThat(resolved.warnings("wecom")).singleElement().asString()
                .contains("1 department(s) whose parent the vendor did not list").contains("20 (parent 404)");
    }

    /** WeCom school's documented department list: two departments under a root 1 the app cannot see. */
    @Test
    void aListWithoutTheRootIsAForestOfTheTopMostVisibleDepartments() {
        add("2", "1");
        add("3", "1");
        add("4", "2");

        DepartmentTree.Resolved resolved = DepartmentTree.resolve(byId, "1");
        Map<String, Department> tree = resolved.departments().stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));

        assertThat(resolved.rootListed()).isFalse();
        assertThat(resolved.roots()).containsExactly("2", "3");
        assertThat(tree.get("2").parentId()).isNull();
        assertThat(tree.get("3").attributes().path("vendorParentId").asText()).isEqualTo("1");
        assertThat(tree.get("4").path()).containsExactly("2", "4");
        assertThat(resolved.warnings("wecom-school")).singleElement().asString()
                .contains("does not contain the root department 1").contains("2 tree(s)").contains("2, 3");
    }

    @Test
    void aConfiguredRootKeepsItsVendorParentAsAnAttributeWithoutAWarning() {
        add("3", "1");
        add("5", "3");

        DepartmentTree.Resolved resolved = DepartmentTree.resolve(byId, "3");
        Map<String, Department> tree = resolved.departments().stream()
                .collect(Collectors.toMap(Department::id, Function.identity()));

        assertThat(tree.get("3").parentId()).isNull();
        assertThat(tree.get("3").attributes().path("vendorParentId").asText()).isEqualTo("1");
        assertThat(tree.get("5").path()).containsExactly("3", "5");
        assertThat(resolved.warnings("wecom-school")).isEmpty();
    }

    @Test
    void aDeepChainResolvesWithoutRecursion() {
        add("0", null);
        // paths list the whole chain, so output grows with depth²; 5,000 levels is far past any real org
        for (int i = 1; i <= 5_000; i++) {
            add(String.valueOf(i), String.valueOf(i - 1));
        }

        Map<String, Department> tree = resolve("0");

        assertThat(tree.get("5000").path()).hasSize(5_001);
    }
}
