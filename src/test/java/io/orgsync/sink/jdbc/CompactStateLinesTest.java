package io.orgsync.sink.jdbc;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The compact state is read back line by line as bytes; a line may span any number of reads. */
class CompactStateLinesTest {

    @Test
    void linesComeBackWhole_howeverTheStreamCutsThem() throws IOException {
        List<String> written = List.of(
                "{\"id\":\"a\",\"name\":\"张三\"}",
                "",
                "x".repeat(200_000) + "丰",
                "{\"id\":\"b\",\"name\":\"\\uD800\"}",
                "{\"id\":\"c\",\"name\":\"李四 \uD83D\uDE00\"}");
        byte[] text = (String.join("\n", written) + "\n").getBytes(StandardCharsets.UTF_8);

        for (int chunk : new int[]{1, 7, 4096, 1 << 16, text.length}) {
            assertThat(read(new Trickle(new ByteArrayInputStream(text), chunk))).as("reads of %d bytes", chunk)
                    .containsExactlyElementsOf(written);
        }
    }

    @Test
    void aLastLineWithoutItsNewlineIsStillALine() throws IOException {
        byte[] text = "first\nlast".getBytes(StandardCharsets.UTF_8);

        assertThat(read(new ByteArrayInputStream(text))).containsExactly("first", "last");
    }

    @Test
    void nothingWrittenIsNoLine() throws IOException {
        assertThat(read(new ByteArrayInputStream(new byte[0]))).isEmpty();
    }

    private static List<String> read(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        CompactState.eachLine(in, line -> lines.add(new String(line, StandardCharsets.UTF_8)));
        return lines;
    }

    /** Hands out at most {@code chunk} bytes per read, as a decompressing stream may. */
    private static final class Trickle extends FilterInputStream {
        private final int chunk;

        Trickle(InputStream in, int chunk) {
            super(in);
            this.chunk = chunk;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, chunk));
        }
    }
}
