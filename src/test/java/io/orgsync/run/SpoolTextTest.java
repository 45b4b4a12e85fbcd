package io.orgsync.run;

import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpoolTextTest {

    @Test
    void everyTextComesBackAsItWentIn() {
        List<String> texts = List.of("", "ascii", "张三的妈妈", "𠀀𪚥 👩‍👩‍👧‍👦", "半个\uD840字", "\uDC00 alone at the start",
                "end alone \uD800", "x".repeat(100_000) + "龘");
        WriteBuffer out = new WriteBuffer();
        texts.forEach(text -> SpoolText.INSTANCE.write(out, text));
        ByteBuffer in = out.getBuffer();
        in.flip();
        for (String text : texts) {
            assertThat(SpoolText.INSTANCE.read(in)).isEqualTo(text);
        }
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void textIsCopiedAsUtf8ExceptWhereUtf8CannotCarryIt() {
        WriteBuffer plain = new WriteBuffer();
        SpoolText.INSTANCE.write(plain, "张三");
        // a tag, the length, then the six UTF-8 bytes
        assertThat(plain.position()).isEqualTo(1 + 1 + 6);
        WriteBuffer broken = new WriteBuffer();
        SpoolText.INSTANCE.write(broken, "\uD840");
        assertThat(broken.getBuffer().get(0)).isEqualTo((byte) 1);
    }
}
