package io.orgsync.run;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.StringDataType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The spool's text as its maps store it: UTF-8 copied in and out as whole byte arrays. H2's own
 * string type writes and reads one character at a time, which for 260,000 records of Chinese
 * text was most of the time spent merging the spool and reading it back for the sinks. Text
 * holding a surrogate (a vendor's lone {@code \ud800}, which UTF-8 cannot carry) keeps H2's form.
 */
final class SpoolText extends BasicDataType<String> {

    static final SpoolText INSTANCE = new SpoolText();

    private static final byte UTF_8 = 0;
    private static final byte CHARACTERS = 1;

    private SpoolText() {
    }

    @Override
    public int getMemory(String text) {
        return 24 + 2 * text.length();
    }

    @Override
    public void write(WriteBuffer buffer, String text) {
        if (hasSurrogate(text)) {
            buffer.put(CHARACTERS);
            StringDataType.INSTANCE.write(buffer, text);
            return;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        buffer.put(UTF_8).putVarInt(utf8.length).put(utf8);
    }

    @Override
    public String read(ByteBuffer buffer) {
        if (buffer.get() == CHARACTERS) {
            return StringDataType.INSTANCE.read(buffer);
        }
        byte[] utf8 = new byte[DataUtils.readVarInt(buffer)];
        buffer.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public int compare(String a, String b) {
        return a.compareTo(b);
    }

    @Override
    public String[] createStorage(int size) {
        return new String[size];
    }

    static boolean hasSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
