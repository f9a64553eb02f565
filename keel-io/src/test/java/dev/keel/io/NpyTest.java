package dev.keel.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads files written by NumPy itself (tools/fixtures/make_npy.py), and refuses malformed or hostile ones. */
class NpyTest {
    @TempDir
    Path dir;

    static Path resource(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    }

    static final float[] A = {-1, -0.75f, -0.5f, -0.25f, 0, 0.25f, 0.5f, 0.75f, 1, 1.25f, 1.5f, 1.75f};

    @Test
    void readsNumpyFilesOfEveryLayout() throws Exception {
        for (String f : new String[] {"f8_c.npy", "f4_big.npy", "f4_fortran.npy"}) {
            Tensor t = Npy.read(resource(f));
            assertArrayEquals(new int[] {3, 4}, t.shape(), f);
            assertArrayEquals(A, t.data(), f);
        }
        Tensor f3 = Npy.read(resource("i8_3d_fortran.npy"));
        assertArrayEquals(new int[] {2, 3, 4}, f3.shape());
        for (int i = 0; i < 24; i++) assertEquals(i, f3.data()[i], "C-order element " + i);
        assertArrayEquals(new float[] {0, 7, 255}, Npy.read(resource("u1.npy")).data());
        assertArrayEquals(new float[] {1, 0, 0, 1}, Npy.read(resource("bool.npy")).data());
        assertArrayEquals(new float[] {-3}, Npy.read(resource("i2_scalar.npy")).data());
    }

    @Test
    void readsNpzPlainAndCompressed() throws Exception {
        for (String f : new String[] {"pair.npz", "pair_compressed.npz"}) {
            Map<String, Tensor> m = Npz.read(resource(f));
            assertEquals(java.util.List.of("x", "y"), java.util.List.copyOf(m.keySet()));
            assertArrayEquals(A, m.get("x").data());
            assertArrayEquals(new float[] {1, 2, 3}, m.get("y").data());
        }
    }

    @Test
    void writeThenReadRoundTrips() throws IOException {
        Path p = dir.resolve("w.npy");
        float[] v = {1.5f, -2, 3e-8f, Float.MAX_VALUE, 0, 6};
        try (OutputStream out = Files.newOutputStream(p)) {
            Npy.write(out, v, new int[] {2, 3});
        }
        Tensor t = Npy.read(p);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(v, t.data());
        assertEquals(0, (Files.size(p) - 24) % 64, "header padded to 64 bytes as NumPy does");
    }

    private Path npy(String header, int dataBytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        byte[] h = (header + "\n").getBytes(StandardCharsets.ISO_8859_1);
        b.write(h.length & 0xFF);
        b.write(h.length >> 8);
        b.write(h);
        b.write(new byte[dataBytes]);
        Path p = Files.createTempFile(dir, "h", ".npy");
        Files.write(p, b.toByteArray());
        return p;
    }

    @Test
    void hostileAndMalformedFilesGetClearErrors() throws IOException {
        var huge = assertThrows(DataFormatException.class,
                () -> Npy.read(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }", 16)));
        assertTrue(huge.getMessage().contains("too large"), huge.getMessage());
        var lying = assertThrows(DataFormatException.class,
                () -> Npy.read(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 1000), }", 16)));
        assertTrue(lying.getMessage().contains("file holds 16 bytes"), lying.getMessage());
        var dtype = assertThrows(DataFormatException.class,
                () -> Npy.read(npy("{'descr': '<U8', 'fortran_order': False, 'shape': (2,), }", 16)));
        assertTrue(dtype.getMessage().contains("unsupported dtype"), dtype.getMessage());
        var object = assertThrows(DataFormatException.class,
                () -> Npy.read(npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16)));
        assertTrue(object.getMessage().contains("unsupported dtype"), object.getMessage());
        Path notNpy = dir.resolve("x.npy");
        Files.writeString(notNpy, "hello world, not numpy");
        assertTrue(assertThrows(DataFormatException.class, () -> Npy.read(notNpy)).getMessage().contains("bad magic"));
    }

    @Test
    void npzWithPathTraversalOrLyingEntriesIsRefused() throws IOException {
        Path evil = dir.resolve("evil.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(evil))) {
            z.putNextEntry(new ZipEntry("../../etc/x.npy"));
            Npy.write(z, new float[] {1}, new int[] {1});
            z.closeEntry();
        }
        assertTrue(assertThrows(DataFormatException.class, () -> Npz.read(evil)).getMessage().contains("suspicious entry"));
        Path extra = dir.resolve("extra.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(extra))) {
            z.putNextEntry(new ZipEntry("a.npy"));
            Npy.write(z, new float[] {1, 2}, new int[] {2});
            z.write(new byte[1000]);
            z.closeEntry();
        }
        assertTrue(assertThrows(DataFormatException.class, () -> Npz.read(extra)).getMessage().contains("more bytes than"));
    }
}
