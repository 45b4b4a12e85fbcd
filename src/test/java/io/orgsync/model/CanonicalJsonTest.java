package io.orgsync.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CanonicalJson#toUtf8Line} takes a shortcut through Jackson's UTF-8 generator; the bytes
 * must be exactly those of the escaped text, or every stored digest would change.
 */
class CanonicalJsonTest {

    @Test
    void everyCharacterOfTheBasicPlaneIsWrittenAsTheEscapedTextEncodes() {
        for (int c = 0; c < 0x10000; c++) {
            Map<String, String> value = Map.of("name", "a" + (char) c + "b");
            assertThat(CanonicalJson.toUtf8Line(value)).as("U+%04X", c).isEqualTo(viaText(value));
        }
    }

    @Test
    void surrogatesPairedOrNotAreWrittenAsTheEscapedTextEncodes() {
        String[] names = {"\uD83D\uDE00", "x\uD800", "\uD800y", "\uDC00", "\uD800\uD800\uDC00", "\uDBFF\uDFFF\uDC00",
                "\\uD800 is how a broken name is escaped", "名\uD800字"};
        for (String name : names) {
            Map<String, String> value = Map.of("name", name);
            assertThat(CanonicalJson.toUtf8Line(value)).as(name).isEqualTo(viaText(value));
        }
        // Jackson's generator alone pairs a high surrogate with the character after it
        assertThat(new String(CanonicalJson.toUtf8Line(Map.of("name", "a\uD800b")), StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"a\\uD800b\"}");
        // vendor attribute names are written by the same generator
        for (String key : names) {
            Map<String, String> value = Map.of(key, "v");
            assertThat(CanonicalJson.toUtf8Line(value)).as(key).isEqualTo(viaText(value));
        }
    }

    @Test
    void randomTextFullOfSurrogatesIsWrittenAsTheEscapedTextEncodes() {
        Random random = new Random(20261122);
        for (int i = 0; i < 200_000; i++) {
            char[] text = new char[random.nextInt(8)];
            for (int j = 0; j < text.length; j++) {
                int kind = random.nextInt(4);
                text[j] = kind == 0 ? (char) (0xD800 + random.nextInt(0x800))
                        : kind == 1 ? (char) random.nextInt(0x80) : (char) random.nextInt(0x10000);
            }
            Map<String, String> value = Map.of("name", new String(text));
            assertThat(CanonicalJson.toUtf8Line(value)).isEqualTo(viaText(value));
        }
    }

    private static byte[] viaText(Object value) {
        return CanonicalJson.toEscapedLine(value).getBytes(StandardCharsets.UTF_8);
    }
}
