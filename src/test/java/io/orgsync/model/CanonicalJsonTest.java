package io.orgsync.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

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

    @Test
    void aMemberIsWrittenByteForByteAsJacksonsBeanSerializerWritesIt() throws Exception {
        ObjectNode attributes = CanonicalJson.emptyObject();
        attributes.put("decimal", new BigDecimal("1.50"));
        attributes.put("big", new BigInteger("123456789012345678901234567890"));
        attributes.put("long", Long.MAX_VALUE);
        attributes.put("flag", false);
        attributes.putNull("nothing");
        attributes.putArray("orders").addObject().put("department_id", "od-1").put("user_order", 3);
        attributes.putObject("status").put("is_frozen", false).put("is_activated", true);
        attributes.put("int", -7);
        attributes.put("double", 0.1d);
        attributes.put("float", 2.5f);
        attributes.put("short", (short) 3);
        attributes.putArray("empty");
        attributes.putObject("nested").putArray("deep").add(1).add("x").addNull().add(new BigDecimal("1E+3"));
        attributes.putPOJO("pojo", List.of("a"));
        attributes.put("名", "值 \"quoted\" \n \u0001 \u2028");
        ObjectNode parsed = (ObjectNode) CanonicalJson.MAPPER.readTree("{\"a\":1.50,\"b\":1e3,\"c\":-0.0,"
                + "\"d\":123456789012345678901234567890,\"e\":2147483648,\"f\":[true,null,{\"g\":\"\\u00e9\"}],"
                + "\"h\":{},\"i\":[],\"j\":\"\\u0000\\u001f\"}");
        List<Member> members = List.of(
                new Member("feishu", "t", "parsed", "n", Role.EMPLOYEE, List.of(), null, null, Status.ACTIVE, null,
                        parsed),
                new Member("feishu", "t", "ou_1", "李雷", Role.EMPLOYEE, List.of("od-1", "od-2"), "+86 138", "a@b.c",
                        Status.ACTIVE, List.of(), attributes),
                new Member("wecom-school", "t", "s1", null, null, null, null, null, null, null, null),
                new Member("wecom-school", "t", "p1", "王\u5C0F", Role.PARENT, List.of(), null, "", Status.INACTIVE,
                        List.of(new Relation("s1", Role.STUDENT, "爸爸"), new Relation("s2", null, null)),
                        CanonicalJson.emptyObject()),
                new Member("wuhan-edu", "t", "x", "broken \uD800 name", Role.TEACHER, List.of("c"), null, null,
                        Status.ACTIVE, List.of(), attributes));
        ObjectNode emoji = parsed.deepCopy().put("emoji", "😀");
        members = new java.util.ArrayList<>(members);
        members.add(new Member("feishu", "t", "emoji", "😀", Role.EMPLOYEE, List.of(), null, null, Status.ACTIVE, null,
                emoji));
        for (Member member : members) {
            assertThat(new String(CanonicalJson.toUtf8Line(member), StandardCharsets.UTF_8)).as(member.id())
                    .isEqualTo(CanonicalJson.escapeUnpairedSurrogates(
                            CanonicalJson.MAPPER.writer().writeValueAsString(member)));
        }
    }

    private static byte[] viaText(Object value) {
        return CanonicalJson.toEscapedLine(value).getBytes(StandardCharsets.UTF_8);
    }
}
