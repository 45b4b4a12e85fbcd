package io.orgsync.source;

import io.orgsync.model.CanonicalJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What an unreadable answer's description keeps, and what it never repeats. */
class UnreadableAnswerTest {

    @Test
    void aGatewayTitleIsKeptWhole() {
        assertThat(UnreadableAnswer.title(html("502 Bad Gateway"))).isEqualTo("502 Bad Gateway");
        assertThat(UnreadableAnswer.title(html("系统维护中"))).isEqualTo("系统维护中");
        assertThat(UnreadableAnswer.title("<p>no title</p>".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void personalDataAndCredentialsInATitleAreMasked() {
        String title = UnreadableAnswer.title(html("用户 13812345678 / 138 1234 5678 / +86-138-1234-5678 "
                + "zhang.san@example.com 身份证 42010119900101123X"));
        assertThat(title).doesNotContainPattern("\\d{5}").doesNotContain("zhang.san").doesNotContain("1234")
                .contains("<digits>").contains("<email>");

        String token = "Lk3vRq9Xz0bN2mW8pT5yH7cJ1dF4gS6a";
        assertThat(UnreadableAnswer.title(html("Error access_token=" + token))).doesNotContain(token)
                .contains("access_token=<masked>");
        assertThat(UnreadableAnswer.title(html("denied: Authorization: Bearer t-g1045abc"))).doesNotContain("t-g1045abc");
        assertThat(UnreadableAnswer.title(html("bad " + token + " here"))).isEqualTo("bad <masked> here");
        // a digit written as an entity still ends up in a masked run
        assertThat(UnreadableAnswer.title(html("&#49;&#56;&#54;&#49;&#50;&#51;&#52;&#53;&#54;&#55;&#56;")))
                .doesNotContain("18612345678");
    }

    @Test
    void aLongTitleIsCutAndCannotPassForMessageStructure() {
        String title = UnreadableAnswer.title(html("\"quoted\" " + "名".repeat(500)));
        assertThat(title).startsWith("'quoted'").endsWith("…");
        assertThat(title.codePointCount(0, title.length())).isEqualTo(UnreadableAnswer.MAX_TITLE + 1);
    }

    @Test
    void readLimitsAndBrokenBodiesAreNamedWithoutQuotingTheBody() {
        assertThat(reason("[".repeat(100) + "]".repeat(100))).isEqualTo("a response nesting deeper than 64 levels");
        assertThat(reason("{\"name\":\"" + "x".repeat(CanonicalJson.MAX_STRING_LENGTH + 1) + "\"}"))
                .isEqualTo("a string longer than 1000000 characters");
        assertThat(reason("{\"errcode\":0,\"secret\":\"abc")).isEqualTo(
                "a body that is not JSON (cut off before the JSON is complete)");
        assertThat(reason("mobile 13812345678")).isEqualTo("a body that is not JSON").doesNotContain("1381");
        byte[] notUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThat(UnreadableAnswer.reason(notUtf8, parseError(notUtf8)))
                .isEqualTo("a body that is not JSON (bytes that are not UTF-8)");
        assertThat(UnreadableAnswer.describe(new byte[0], null, null)).isEqualTo(
                "a body that is not JSON (empty) (no content type, 0 bytes)");
    }

    private static String reason(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return UnreadableAnswer.reason(bytes, parseError(bytes));
    }

    private static Exception parseError(byte[] bytes) {
        try {
            CanonicalJson.MAPPER.readTree(bytes);
            throw new AssertionError("parsed");
        } catch (IOException e) {
            return e;
        }
    }

    private static byte[] html(String title) {
        return ("<!DOCTYPE html><html><head><title>" + title + "</title></head><body>x</body></html>")
                .getBytes(StandardCharsets.UTF_8);
    }
}
