package io.orgsync.run;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The spool's records as its maps store them: each member's canonical line as UTF-8
 * ({@link io.orgsync.model.CanonicalJson#toUtf8Line}), copied in and out as a whole array. The
 * sinks write those bytes as they are, so a record is decoded only where something reads its
 * fields (a person listed twice, privacy rules, CSV), and never encoded again on the way out.
 */
final class SpoolBytes extends BasicDataType<byte[]> {

    static final SpoolBytes INSTANCE = new SpoolBytes();

    private SpoolBytes() {
    }

    @Override
    public int getMemory(byte[] line) {
        return 24 + line.length;
    }

    @Override
    public void write(WriteBuffer buffer, byte[] line) {
        buffer.putVarInt(line.length).put(line);
    }

    @Override
    public byte[] read(ByteBuffer buffer) {
        byte[] line = new byte[DataUtils.readVarInt(buffer)];
        buffer.get(line);
        return line;
    }

    @Override
    public int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    @Override
    public byte[][] createStorage(int size) {
        return new byte[size][];
    }
}
