package dev.keel.io;

import dev.keel.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npz}: a zip of {@code name.npy} entries. Reading is bounded: at most
 * {@value #MAX_ENTRIES} entries and {@value #MAX_TOTAL_BYTES} bytes of array data in all, entry names
 * with {@code ..} or an absolute path are refused, and each array is read only as far as its own header
 * declares (checked against what the entry really holds).
 */
public final class Npz {
    static final int MAX_ENTRIES = 10_000;
    static final long MAX_TOTAL_BYTES = 8L << 30;

    private Npz() {}

    /** Reads every array, keyed by name without ".npy", in file order. */
    public static Map<String, Tensor> read(Path file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        long total = 0;
        try (InputStream raw = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(raw)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                if (name.contains("..") || name.startsWith("/") || name.contains("\\")) {
                    throw new DataFormatException(file + ": refusing suspicious entry name '" + name + "'");
                }
                if (out.size() >= MAX_ENTRIES) throw new DataFormatException(file + ": more than " + MAX_ENTRIES + " entries");
                if (e.isDirectory()) continue;
                String key = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
                Tensor t = Npy.read(new NonClosing(zip), -1, file + "!" + name);
                total += 4L * t.data().length;
                if (total > MAX_TOTAL_BYTES) throw new DataFormatException(file + ": more than " + MAX_TOTAL_BYTES + " bytes of arrays");
                if (zip.read() != -1) throw new DataFormatException(file + "!" + name + " holds more bytes than its .npy header declares");
                out.put(key, t);
            }
        } catch (NoSuchFileException e) {
            throw new DataFormatException("no such file: " + file, e);
        } catch (IOException e) {
            throw new DataFormatException("cannot read " + file + " as .npz: " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new DataFormatException(file + " holds no arrays (is it a .npz file?)");
        return out;
    }

    /** Writes arrays as float32 .npy entries. */
    public static void write(OutputStream out, Map<String, Tensor> arrays) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (var e : arrays.entrySet()) {
            zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
            Npy.write(zip, e.getValue());
            zip.closeEntry();
        }
        zip.finish();
    }

    /** Lets Npy read from the current zip entry without closing the zip. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {}
    }
}
