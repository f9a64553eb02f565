package dev.keel.io;

import static org.junit.jupiter.api.Assertions.fail;

import dev.keel.io.models.ModelFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever bytes a data or model file holds, a loader either returns a value or throws Keel's own
 * {@link DataFormatException}; never another exception, never an OutOfMemoryError. Valid files are mutated
 * (bit flips, byte changes, insertions, deletions, truncation, JSON token swaps) with a fixed seed, a bounded
 * number of times per format, so the test is deterministic and fast; a failure names the seed and mutant.
 */
class LoaderFuzzTest {
    private static final int MUTANTS = Integer.getInteger("keel.fuzz.mutants", 400);
    private static final String JSONISH = "0123456789-.e,[]{}:\" nultrfas";

    @TempDir
    Path dir;

    private void fuzz(String format, byte[] valid, String fileName, Consumer<Path> load) throws Exception {
        SplittableRandom r = new SplittableRandom(format.hashCode());
        for (int i = 0; i < MUTANTS; i++) {
            byte[] m = mutate(valid, r);
            Path p = dir.resolve(i + "-" + fileName);
            Files.write(p, m);
            try {
                load.accept(p);
            } catch (DataFormatException expected) {
                // the only acceptable failure
            } catch (Throwable t) {
                Path keep = Files.write(dir.resolve("failing-" + fileName), m);
                fail(format + " mutant " + i + " (kept at " + keep + ") threw " + t, t);
            }
            Files.deleteIfExists(p);
        }
    }

    private static byte[] mutate(byte[] src, SplittableRandom r) {
        byte[] b = src.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> b = java.util.Arrays.copyOf(b, at);                                     // truncate
                case 3 -> { byte[] n = new byte[b.length + 1]; System.arraycopy(b, 0, n, 0, at); n[at] = (byte) r.nextInt(256);
                            System.arraycopy(b, at, n, at + 1, b.length - at); b = n; }               // insert
                case 4 -> { byte[] n = new byte[b.length - 1]; System.arraycopy(b, 0, n, 0, at);
                            System.arraycopy(b, at + 1, n, at, b.length - at - 1); b = n; }           // delete
                default -> b[at] = (byte) JSONISH.charAt(r.nextInt(JSONISH.length()));
            }
        }
        return b;
    }

    @Test
    void idxLoaderOnlyEverThrowsDataFormatException() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.write(new byte[] {0, 0, 8, 3});
        out.writeInt(3); out.writeInt(4); out.writeInt(4);
        for (int i = 0; i < 48; i++) out.write(i * 5);
        fuzz("idx", b.toByteArray(), "x.idx", Idx::read);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) { o.write(b.toByteArray()); }
        fuzz("idx.gz", gz.toByteArray(), "x.idx.gz", Idx::read);
    }

    @Test
    void npyAndNpzLoadersOnlyEverThrowDataFormatException() throws Exception {
        ByteArrayOutputStream npy = new ByteArrayOutputStream();
        Npy.write(npy, new float[] {1, 2, 3, 4, 5, 6}, new int[] {2, 3});
        fuzz("npy", npy.toByteArray(), "x.npy", Npy::read);
        ByteArrayOutputStream npz = new ByteArrayOutputStream();
        Npz.write(npz, Map.of("x", dev.keel.Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)));
        fuzz("npz", npz.toByteArray(), "x.npz", Npz::read);
    }

    @Test
    void csvLoaderOnlyEverThrowsDataFormatException() throws Exception {
        byte[] csv = "a,b,\"c d\",label\n1.5,2,3,0\n4,5e-1,-6,1\n7,8,9,2\n".getBytes(StandardCharsets.UTF_8);
        fuzz("csv", csv, "x.csv", p -> Csv.read(p, "label"));
    }

    @Test
    void tfjsModelLoaderOnlyEverThrowsDataFormatException() throws Exception {
        Path src = TfjsFormatTest.fixture("bn_custom");
        byte[] json = Files.readAllBytes(src.resolve("model.json"));
        Files.copy(src.resolve("group1-shard1of1.bin"), dir.resolve("group1-shard1of1.bin"));
        fuzz("tfjs model.json", json, "model.json", ModelFiles::load);
        byte[] shard = Files.readAllBytes(src.resolve("group1-shard1of1.bin"));
        Path model = dir.resolve("m");
        Files.createDirectories(model);
        Files.write(model.resolve("model.json"), json);
        fuzz("tfjs shard", shard, "shard.bin", p -> {
            try {
                Files.copy(p, model.resolve("group1-shard1of1.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            ModelFiles.load(model);
        });
    }

    /** Rebuilds a .keras zip with one entry replaced (stored uncompressed, so mutants reach the parsers, not the CRC check). */
    private static byte[] rezip(Map<String, byte[]> entries) throws java.io.IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(b)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    @Test
    void kerasAndLegacyH5LoadersOnlyEverThrowDataFormatException() throws Exception {
        Path keras = KerasFilesTest.keras("bn_custom.keras");
        fuzz("keras zip", Files.readAllBytes(keras), "m.keras", ModelFiles::load);
        Map<String, byte[]> entries = KerasFilesTest.entriesOf(keras);
        for (String inner : new String[] {"config.json", "model.weights.h5"}) {
            byte[] valid = entries.get(inner);
            SplittableRandom r = new SplittableRandom(inner.hashCode());
            for (int i = 0; i < MUTANTS; i++) {
                Map<String, byte[]> m = new java.util.LinkedHashMap<>(entries);
                m.put(inner, mutate(valid, r));
                Path p = Files.write(dir.resolve("inner-" + i + ".keras"), rezip(m));
                try {
                    ModelFiles.load(p);
                } catch (DataFormatException expected) {
                    // fine
                } catch (Throwable t) {
                    Path keep = Files.write(dir.resolve("failing-" + inner), m.get(inner));
                    fail(".keras " + inner + " mutant " + i + " (kept at " + keep + ") threw " + t, t);
                }
                Files.deleteIfExists(p);
            }
        }
        fuzz("keras 2 h5", Files.readAllBytes(KerasFilesTest.keras("bn_custom.h5")), "m.h5", ModelFiles::load);
    }
}
