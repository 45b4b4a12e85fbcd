package io.orgsync.source.wuhan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.orgsync.model.DepartmentType;
import io.orgsync.run.DepartmentTree;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.PageState;
import io.orgsync.source.wuhan.WuhanWire.ChildOrg;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stop rules that keep the Wuhan listings and the tree walk finite, without the bundle around them. */
class WuhanPagingAndTreeTest {

    private final CamelContext camel = new DefaultCamelContext();

    // ---------------------------------------------------------------- family titles

    @Test
    void theRelationIsThePartAfterDeOrTheWholeTitle() {
        assertThat(WuhanMapper.relation("张三的妈妈", "张三")).isEqualTo("妈妈");
        assertThat(WuhanMapper.relation("张三的妈妈", "别人")).isEqualTo("妈妈");
        assertThat(WuhanMapper.relation("监护人", "张三")).isEqualTo("监护人");
        assertThat(WuhanMapper.relation(" 爷爷 ", null)).isEqualTo("爷爷");
        // 的 inside the child's name is not the separator
        assertThat(WuhanMapper.relation("的的的爸爸", "的的")).isEqualTo("爸爸");
        assertThat(WuhanMapper.relation("王的明妈妈", "王的明")).as("no 的 after a name holding one").isEqualTo("妈妈");
        assertThat(WuhanMapper.relation("张三的", "李四")).isEqualTo("张三的");
        assertThat(WuhanMapper.relation("", "张三")).isNull();
        assertThat(WuhanMapper.relation(null, "张三")).isNull();
    }

    @Test
    void orgTypesMapToTheContractsKindsKeepingUnknownValues() {
        var attributes = JsonNodeFactory.instance.objectNode();
        assertThat(WuhanMapper.type("2", attributes)).isEqualTo(DepartmentType.SCHOOL);
        assertThat(WuhanMapper.type("3", attributes)).isEqualTo(DepartmentType.CAMPUS);
        assertThat(WuhanMapper.type("5", attributes)).isEqualTo(DepartmentType.STAGE);
        assertThat(WuhanMapper.type("6", attributes)).isEqualTo(DepartmentType.GRADE);
        assertThat(WuhanMapper.type("7", attributes)).isEqualTo(DepartmentType.CLASS);
        assertThat(WuhanMapper.type("4", attributes)).isEqualTo(DepartmentType.DEPARTMENT);
        assertThat(attributes.isEmpty()).as("mapped values need no raw copy").isTrue();
        assertThat(WuhanMapper.type("9", attributes)).isEqualTo(DepartmentType.DEPARTMENT);
        assertThat(attributes.path("vendorType").asText()).isEqualTo("9");
    }

    // ---------------------------------------------------------------- count paging

    @Test
    void stopsOnTheCountOrAShortPage() {
        PageState pages = new PageState("members", 100);
        Exchange exchange = new DefaultExchange(camel);
        CountPaging.of(exchange.getProperties(), pages).advance(pages, ids(0, 500), 500, 500, 1000L, "members");
        assertThat(pages.isMore()).isTrue();
        assertThat(pages.getPage()).isEqualTo(2);
        CountPaging.of(exchange.getProperties(), pages).advance(pages, ids(500, 1000), 500, 500, 1000L, "members");
        assertThat(pages.isMore()).as("page × page_size reached count: no empty page asked for").isFalse();

        PageState noCount = new PageState("parents", 100);
        CountPaging.of(exchange.getProperties(), noCount).advance(noCount, ids(0, 100), 100, 100, null, "parents");
        assertThat(noCount.isMore()).isTrue();
        CountPaging.of(exchange.getProperties(), noCount).advance(noCount, ids(100, 130), 100, 100, null, "parents");
        assertThat(noCount.isMore()).isFalse();

        PageState empty = new PageState("members", 100);
        CountPaging.of(exchange.getProperties(), empty).advance(empty, List.of(), 500, 500, 0L, "members");
        assertThat(empty.isMore()).isFalse();
    }

    @Test
    void theCountPromisesThePagesReadInParallelUpToTheListingsBound() {
        Exchange exchange = new DefaultExchange(camel);
        PageState pages = new PageState("members", 100);
        CountPaging paging = CountPaging.of(exchange.getProperties(), pages);
        assertThat(paging.pagesToRead(pages)).as("no count yet: the first page alone").containsExactly(1);
        paging.advance(pages, ids(0, 500), 500, 500, 1800L, "members");
        assertThat(paging.pagesToRead(pages)).containsExactly(2, 3, 4);

        PageState huge = new PageState("parents", 100);
        CountPaging hugePaging = CountPaging.of(exchange.getProperties(), huge);
        hugePaging.advance(huge, ids(0, 100), 100, 100, 1_000_000_000_000L, "parents");
        assertThat(hugePaging.pagesToRead(huge)).as("a count of a trillion asks for no page past the bound")
                .hasSize(99).startsWith(2).endsWith(100);

        PageState noCount = new PageState("parents", 100);
        CountPaging noCountPaging = CountPaging.of(exchange.getProperties(), noCount);
        noCountPaging.advance(noCount, ids(0, 100), 100, 100, null, "parents");
        assertThat(noCountPaging.pagesToRead(noCount)).as("no count: one page at a time").containsExactly(2);
    }

    @Test
    void followsThePageSizeTheVendorAnswered() {
        PageState pages = new PageState("members", 100);
        Exchange exchange = new DefaultExchange(camel);
        // asked for 500, capped to 100: a full page of the vendor's size, not a short one
        CountPaging.of(exchange.getProperties(), pages).advance(pages, ids(0, 100), 100, 500, 250L, "members");
        assertThat(pages.isMore()).isTrue();
    }

    @Test
    void aPageThatEndsBeforeTheCountFailsTheRun() {
        PageState pages = new PageState("members", 100);
        Exchange exchange = new DefaultExchange(camel);
        CountPaging.of(exchange.getProperties(), pages).advance(pages, ids(0, 500), 500, 500, 1200L, "members");
        assertThatThrownBy(() -> CountPaging.of(exchange.getProperties(), pages).advance(pages, ids(500, 700), 500, 500, 1200L,
                "members")).isInstanceOf(RunFailedException.class).hasMessageContaining("ended early");
    }

    @Test
    void fullPagesOfRowsAlreadyReadFailTheRunWhateverTheCountSays() {
        // the simulator's never-ending listing: full pages of 500 from 700 members, wrapping round, count growing
        int total = 700;
        PageState pages = new PageState("members", 100_000);
        Exchange exchange = new DefaultExchange(camel);
        assertThatThrownBy(() -> {
            for (int page = 1; page < 10; page++) {
                int from = (page - 1) * 500;
                List<String> rows = IntStream.range(from, from + 500).mapToObj(i -> "u" + (i % total)).toList();
                CountPaging.of(exchange.getProperties(), pages).advance(pages, rows, 500, 500, (long) page * 500 + 500, "members");
            }
        }).isInstanceOf(RunFailedException.class).hasMessageContaining("repeats rows already read");
        assertThat(pages.pagesRead()).as("caught on the third page").isEqualTo(2);

        PageState same = new PageState("parents", 100_000);
        CountPaging.of(exchange.getProperties(), same).advance(same, ids(0, 100), 100, 100, 10_000L, "parents");
        CountPaging.of(exchange.getProperties(), same).advance(same, ids(100, 200), 100, 100, 10_000L, "parents");
        assertThatThrownBy(() -> CountPaging.of(exchange.getProperties(), same).advance(same, ids(0, 100), 100, 100, 10_000L,
                "parents")).hasMessageContaining("first user_id u0");
    }

    @Test
    void aParentListedWithoutUserIdFirstOnAPageIsNotTakenForTheVendorsPaging() {
        Exchange exchange = new DefaultExchange(camel);
        PageState parents = new PageState("parents", 100);
        List<String> firstPage = new ArrayList<>(ids(0, 100));
        firstPage.set(0, null); // skipped by the normaliser as a parent of no child in scope
        CountPaging.of(exchange.getProperties(), parents).advance(parents, firstPage, true, 100, 100, 300L, "parents");
        assertThat(parents.isMore()).isTrue();
        CountPaging.of(exchange.getProperties(), parents).advance(parents, ids(100, 200), true, 100, 100, 300L, "parents");
        assertThat(parents.isMore()).isTrue();
        assertThatThrownBy(() -> CountPaging.of(exchange.getProperties(), parents).advance(parents, firstPage, true, 100, 100, 900L,
                "parents")).isInstanceOf(RunFailedException.class).hasMessageContaining("first user_id u1,");

        PageState members = new PageState("members", 100);
        CountPaging.of(exchange.getProperties(), members).advance(members, firstPage, 100, 100, 300L, "members");
        assertThat(members.isMore()).isTrue();
    }

    @Test
    void eachListingStartsWithAFreshMemory() {
        Exchange exchange = new DefaultExchange(camel);
        PageState members = new PageState("members", 100);
        CountPaging.of(exchange.getProperties(), members).advance(members, ids(0, 100), 100, 100, 300L, "members");
        PageState again = new PageState("members", 100);
        CountPaging.of(exchange.getProperties(), again).advance(again, ids(0, 100), 100, 100, 300L, "members");
        assertThat(again.isMore()).isTrue();
    }

    // ---------------------------------------------------------------- tree walk

    @Test
    void walksLevelByLevelAskingOnlyNodesThatHaveChildren() {
        OrgTreeWalk walk = new OrgTreeWalk("wuhan-edu", "root");
        assertThat(walk.level()).containsExactly("root");
        assertThat(walk.addChildren("root", List.of(child("a", true), child("b", null), child("leaf", false))))
                .extracting(ChildOrg::orgId).containsExactly("a", "b", "leaf");
        assertThat(walk.advance()).containsExactly("a", "b");
        walk.addChildren("a", List.of(child("a1", false)));
        // listed again under another parent: kept under the first
        assertThat(walk.addChildren("b", List.of(child("a1", false), child("b1", false))))
                .extracting(ChildOrg::orgId).containsExactly("b1");
        assertThat(walk.advance()).isEmpty();
        assertThat(walk.isMore()).isFalse();
        assertThat(walk.contains("a1")).isTrue();
    }

    @Test
    void aChildThatIsAnAncestorIsACycle() {
        OrgTreeWalk walk = new OrgTreeWalk("wuhan-edu", "root");
        walk.addChildren("root", List.of(child("a", true)));
        walk.advance();
        walk.addChildren("a", List.of(child("b", true)));
        walk.advance();
        assertThatThrownBy(() -> walk.addChildren("b", List.of(child("a", true))))
                .isInstanceOf(DepartmentTree.DepartmentCycleException.class)
                .hasMessageContaining("department cycle").hasMessageContaining("a → b → a");
        assertThatThrownBy(() -> walk.addChildren("b", List.of(child("root", true))))
                .hasMessageContaining("root → a → b → root");
        assertThatThrownBy(() -> walk.addChildren("b", List.of(child("b", true))))
                .hasMessageContaining("b → b");
    }

    @Test
    void childListsThatNeverEndAreBoundedByDepth() {
        OrgTreeWalk walk = new OrgTreeWalk("wuhan-edu", "root");
        assertThatThrownBy(() -> {
            String parent = "root";
            for (int i = 0; i < 1000; i++) {
                String next = "n" + i;
                walk.addChildren(parent, List.of(child(next, true)));
                walk.advance();
                parent = next;
            }
        }).isInstanceOf(RunFailedException.class).hasMessageContaining("levels deep");
    }

    private static ChildOrg child(String id, Boolean hasChild) {
        Map<String, JsonNode> extra = hasChild == null ? Map.of() : Map.of("has_child", BooleanNode.valueOf(hasChild));
        return new ChildOrg(id, id, "7", null, extra);
    }

    private static List<String> ids(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add("u" + i);
        }
        return ids;
    }
}
