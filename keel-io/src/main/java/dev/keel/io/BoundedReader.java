package dev.keel.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads exactly a declared number of bytes from a stream whose length cannot be known in advance (e.g. gzip),
 * allocating only as bytes actually arrive: a header that claims 10¹² elements fails with an error at the
 * real end of the data, not with an OutOfMemoryError at allocation.
 */
public final class BoundedReader {
    private static final int CHUNK = 1 << 20;

    private BoundedReader() {}

    /** Reads exactly {@code n} bytes, or throws {@link EOFException} saying how many were there. */
    public static byte[] readExactly(InputStream in, long n, String what) throws IOException {
        List<byte[]> chunks = readChunks(in, n, what);
        if (chunks.size() == 1) return chunks.get(0);
        byte[] all = new byte[(int) n];
        int pos = 0;
        for (byte[] c : chunks) { System.arraycopy(c, 0, all, pos, c.length); pos += c.length; }
        return all;
    }

    /**
     * Reads exactly {@code n} bytes as chunks of at most 1 MiB (so a caller can decode them without a second
     * full-size copy), or throws {@link EOFException} saying how many were there.
     */
    public static List<byte[]> readChunks(InputStream in, long n, String what) throws IOException {
        if (n < 0 || n > Integer.MAX_VALUE - 8) throw new DataFormatException(what + " declares " + n + " bytes of data, more than one array can hold");
        List<byte[]> chunks = new ArrayList<>();
        long got = 0;
        while (got < n) {
            byte[] c = new byte[(int) Math.min(CHUNK, n - got)];
            int off = 0;
            while (off < c.length) {
                int r = in.read(c, off, c.length - off);
                if (r < 0) throw new EOFException(what + " is truncated: its header declares " + n + " bytes of data but only " + (got + off) + " are present");
                off += r;
            }
            chunks.add(c);
            got += c.length;
        }
        return chunks;
    }
}
