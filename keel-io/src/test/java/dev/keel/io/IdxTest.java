package dev.keel.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path dir;

    static byte[] idx(int type, int[] dims, byte[] payload) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.write(new byte[] {0, 0, (byte) type, (byte) dims.length});
        for (int d : dims) out.writeInt(d);
        out.write(payload);
        return b.toByteArray();
    }

    private Path file(String name, byte[] content, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(content);
        }
        return p;
    }

    @Test
    void readsUnsignedBytesPlainAndGzipped() throws IOException {
        byte[] content = idx(0x08, new int[] {2, 3}, new byte[] {0, 1, 2, (byte) 200, (byte) 255, 7});
        for (boolean gz : new boolean[] {false, true}) {
            Tensor t = Idx.read(file("a" + gz, content, gz));
            assertArrayEquals(new int[] {2, 3}, t.shape());
            assertArrayEquals(new float[] {0, 1, 2, 200, 255, 7}, t.data());
        }
    }

    @Test
    void readsBigEndianFloats() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeFloat(1.5f);
        out.writeFloat(-2.25f);
        Tensor t = Idx.read(file("f", idx(0x0D, new int[] {2}, b.toByteArray()), false));
        assertArrayEquals(new float[] {1.5f, -2.25f}, t.data());
    }

    @Test
    void hostileHeaderClaimingHugeDataFailsWithoutAllocatingIt() throws IOException {
        // 60000 × 60000 × 60000 values declared, 10 bytes present.
        Path p = file("huge", idx(0x08, new int[] {60000, 60000, 60000}, new byte[10]), true);
        var e = assertThrows(DataFormatException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        Path q = file("big", idx(0x08, new int[] {1_000_000_000}, new byte[10]), true);
        var e2 = assertThrows(DataFormatException.class, () -> Idx.read(q));
        assertTrue(e2.getMessage().contains("truncated"), e2.getMessage());
    }

    @Test
    void truncatedBadMagicAndUnknownTypeAreReported() throws IOException {
        var e = assertThrows(DataFormatException.class, () -> Idx.read(file("t", idx(0x08, new int[] {4, 4}, new byte[5]), false)));
        assertTrue(e.getMessage().contains("declares 16 bytes") && e.getMessage().contains("only 5"), e.getMessage());
        var m = assertThrows(DataFormatException.class, () -> Idx.read(file("m", new byte[] {1, 2, 3, 4, 5}, false)));
        assertTrue(m.getMessage().contains("not an IDX file"), m.getMessage());
        var u = assertThrows(DataFormatException.class, () -> Idx.read(file("u", idx(0x0A, new int[] {1}, new byte[4]), false)));
        assertTrue(u.getMessage().contains("unknown IDX data type"), u.getMessage());
        var missing = assertThrows(DataFormatException.class, () -> Idx.read(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        var empty = assertThrows(DataFormatException.class, () -> Idx.read(file("e", new byte[0], false)));
        assertEquals(DataFormatException.class, empty.getClass());
    }
}
