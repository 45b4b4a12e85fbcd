package io.orgsync.source;

import io.orgsync.run.RunFailedException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageStateTest {

    @Test
    void followsTokensUntilTheVendorSaysNoMore() {
        PageState pages = new PageState("feishu: users of 0", 10);
        assertThat(pages.getToken()).isEmpty();
        assertThat(pages.isMore()).isTrue();

        pages.advance("t1", true);
        assertThat(pages.getToken()).isEqualTo("t1");
        pages.advance("t2", true);
        pages.advance(null, false);

        assertThat(pages.isMore()).isFalse();
        assertThat(pages.pagesRead()).isEqualTo(3);
    }

    @Test
    void aRepeatedTokenFailsInsteadOfLoopingForEver() {
        PageState pages = new PageState("feishu: users of 0", 1000);
        pages.advance("t1", true);
        pages.advance("t2", true);

        assertThatThrownBy(() -> pages.advance("t1", true))
                .isInstanceOf(RunFailedException.class)
                .hasMessageContaining("feishu: users of 0")
                .hasMessageContaining("repeated a page token");
    }

    @Test
    void moreWithoutATokenFails() {
        PageState pages = new PageState("x", 10);
        assertThatThrownBy(() -> pages.advance("", true)).hasMessageContaining("gave no page token");
    }

    @Test
    void aListingLongerThanTheBoundFails() {
        PageState pages = new PageState("wuhan-edu: members", 3);
        pages.advanceByNumber(true);
        pages.advanceByNumber(true);
        assertThat(pages.getPage()).isEqualTo(3);

        assertThatThrownBy(() -> pages.advanceByNumber(true)).hasMessageContaining("more than 3 pages");
    }

    @Test
    void aRestartedListingTakesTheSameTokensAgainButRestartsOnlyOnce() {
        PageState pages = new PageState("feishu: users of 0", 10);
        pages.advance("t1", true);
        pages.advance("t2", true);

        assertThat(pages.restart()).isTrue();
        assertThat(pages.getToken()).as("the first page again").isEmpty();
        assertThat(pages.pagesRead()).isZero();
        pages.advance("t1", true);
        pages.advance("t2", true);
        pages.advance(null, false);
        assertThat(pages.isMore()).isFalse();

        assertThat(pages.restart()).as("once per listing").isFalse();
    }

    @Test
    void theRoutesPropertiesFollowTheStateThroughEveryChange() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            PageState pages = new Paging(10).start(exchange.getProperties(), "feishu: users of 0");
            assertThat(exchange.getProperty(PageState.PROPERTY)).isSameAs(pages);
            assertProperties(exchange, true, "", 1);

            pages.advance("t1", true);
            assertProperties(exchange, true, "t1", 2);
            pages.restart();
            assertProperties(exchange, true, "", 1);
            pages.advance(null, false);
            assertProperties(exchange, false, "", 2);

            PageState numbered = new Paging(10).start(exchange.getProperties(), "wuhan-edu: members");
            assertProperties(exchange, true, "", 1);
            numbered.advanceByNumber(true);
            assertProperties(exchange, true, "", 2);
            numbered.advanceByNumber(false);
            assertProperties(exchange, false, "", 3);
        }
    }

    @Test
    void aPageReadAfterTheListingEndedFails() {
        PageState pages = new PageState("feishu: departments under the root", 10);
        pages.advance(null, false);
        assertThatThrownBy(() -> pages.advance(null, false)).isInstanceOf(RunFailedException.class)
                .hasMessageContaining("feishu: departments under the root")
                .hasMessageContaining("after the listing ended");
        PageState numbered = new PageState("wuhan-edu: members", 10);
        numbered.advanceByNumber(false);
        assertThatThrownBy(() -> numbered.advanceByNumber(false)).isInstanceOf(RunFailedException.class);
    }

    private static void assertProperties(Exchange exchange, boolean more, String token, int number) {
        assertThat(exchange.getProperty(PageState.MORE)).isEqualTo(more);
        assertThat(exchange.getProperty(PageState.TOKEN)).isEqualTo(token);
        assertThat(exchange.getProperty(PageState.NUMBER)).isEqualTo(number);
    }
}
