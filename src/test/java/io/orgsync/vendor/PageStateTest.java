package io.orgsync.vendor;

import io.orgsync.run.RunFailedException;
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
}
