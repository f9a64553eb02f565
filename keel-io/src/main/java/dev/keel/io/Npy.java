package dev.keel.io;

import dev.keel.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (versions 1.0, 2.0, 3.0): read into float32 tensors from float32/64, int8–64,
 * uint8–64 and bool, little or big endian, C order or Fortran order (transposed into C order); written as
 * version 1.0 little-endian float32, C order, header padded to 64 bytes as NumPy does.
 *
 * <p>The header is parsed as data by a strict pattern, never evaluated, and the declared shape is checked
 * against the bytes actually present before anything is allocated.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([fiub])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final int MAX_HEADER = 1 << 16;

    private Npy() {}

    /** The parsed header: element type, byte order, layout and shape. */
    record Header(char kind, int itemSize, ByteOrder order, boolean fortran, int[] shape, long count) {}

    public static Tensor read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, Files.size(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new DataFormatException("no such file: " + file, e);
        } catch (IOException e) {
            throw new DataFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads one array from a stream of known length ({@code -1} when unknown, as in a zip entry). */
    static Tensor read(InputStream in, long available, String what) throws IOException {
        byte[] pre = in.readNBytes(10);
        if (pre.length < 10 || !startsWith(pre, MAGIC)) throw new DataFormatException(what + " is not a .npy file (bad magic string)");
        int major = pre[6] & 0xFF;
        long headerLen;
        int consumed = 10;
        if (major == 1) {
            headerLen = (pre[8] & 0xFF) | ((pre[9] & 0xFF) << 8);
        } else if (major == 2 || major == 3) {
            byte[] more = in.readNBytes(2);
            if (more.length < 2) throw new DataFormatException(what + " is truncated in its header");
            headerLen = (pre[8] & 0xFFL) | ((pre[9] & 0xFFL) << 8) | ((more[0] & 0xFFL) << 16) | ((more[1] & 0xFFL) << 24);
            consumed = 12;
        } else {
            throw new DataFormatException(what + ": unsupported .npy version " + major + "." + (pre[7] & 0xFF));
        }
        if (headerLen > MAX_HEADER) throw new DataFormatException(what + ": .npy header of " + headerLen + " bytes is implausibly large");
        byte[] hb = in.readNBytes((int) headerLen);
        if (hb.length < headerLen) throw new DataFormatException(what + " is truncated in its header");
        Header h = parseHeader(new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1), what);
        long bytes = h.count * h.itemSize;
        if (available >= 0 && available - consumed - headerLen != bytes) {
            throw new DataFormatException(what + ": header declares shape " + java.util.Arrays.toString(h.shape) + " of " + h.kind + h.itemSize
                    + " (" + bytes + " bytes) but the file holds " + (available - consumed - headerLen) + " bytes of data");
        }
        byte[] data;
        try {
            data = BoundedReader.readExactly(in, bytes, what);
        } catch (EOFException e) {
            throw new DataFormatException(e.getMessage(), e);
        }
        float[] values = decode(data, h, what);
        if (h.fortran && h.shape.length > 1) values = fortranToC(values, h.shape);
        int[] shape = h.shape.length == 0 ? new int[] {1} : h.shape;
        return new Tensor(values, shape);
    }

    static Header parseHeader(String header, String what) {
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find()) throw new DataFormatException(what + ": unsupported dtype in .npy header " + header.strip()
                + " (Keel reads float32/64, int8-64, uint8-64 and bool)");
        if (!f.find() || !s.find()) throw new DataFormatException(what + ": malformed .npy header " + header.strip());
        char kind = d.group(2).charAt(0);
        int size = Integer.parseInt(d.group(3));
        boolean ok = switch (kind) {
            case 'f' -> size == 4 || size == 8;
            case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
            case 'b' -> size == 1;
            default -> false;
        };
        if (!ok) throw new DataFormatException(what + ": unsupported dtype " + kind + size);
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        List<Integer> dims = new ArrayList<>();
        long count = 1;
        for (String part : s.group(1).split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            long v;
            try {
                v = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
            } catch (NumberFormatException e) {
                throw new DataFormatException(what + ": bad dimension '" + p + "' in .npy shape");
            }
            if (v < 0 || v > Integer.MAX_VALUE) throw new DataFormatException(what + ": dimension " + v + " out of range");
            dims.add((int) v);
            count *= v;
            if (count > Integer.MAX_VALUE - 8) throw new DataFormatException(what + ": declared shape is too large for one array");
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        return new Header(kind, size, order, f.group(1).equals("True"), shape, count);
    }

    private static float[] decode(byte[] data, Header h, String what) {
        ByteBuffer b = ByteBuffer.wrap(data).order(h.order);
        int n = (int) h.count;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (h.kind) {
                case 'f' -> h.itemSize == 4 ? b.getFloat() : (float) b.getDouble();
                case 'i' -> switch (h.itemSize) { case 1 -> b.get(); case 2 -> b.getShort(); case 4 -> b.getInt(); default -> (float) b.getLong(); };
                case 'u' -> switch (h.itemSize) {
                    case 1 -> b.get() & 0xFF; case 2 -> b.getShort() & 0xFFFF; case 4 -> (float) (b.getInt() & 0xFFFFFFFFL);
                    default -> { long v = b.getLong(); yield v >= 0 ? (float) v : (float) (v >>> 1) * 2f; }
                };
                default -> b.get() != 0 ? 1f : 0f;
            };
        }
        return out;
    }

    /** Reorders Fortran-order (column-major) values into C order for the same shape. */
    private static float[] fortranToC(float[] f, int[] shape) {
        int rank = shape.length, n = f.length;
        float[] c = new float[n];
        int[] idx = new int[rank];
        long[] fStride = new long[rank];
        fStride[0] = 1;
        for (int i = 1; i < rank; i++) fStride[i] = fStride[i - 1] * shape[i - 1];
        for (int pos = 0; pos < n; pos++) {
            long src = 0;
            for (int i = 0; i < rank; i++) src += idx[i] * fStride[i];
            c[pos] = f[(int) src];
            for (int i = rank - 1; i >= 0; i--) {   // advance the C-order multi-index
                if (++idx[i] < shape[i]) break;
                idx[i] = 0;
            }
        }
        return c;
    }

    /** Writes a float32 array (version 1.0, little endian, C order). */
    public static void write(OutputStream out, float[] data, int[] shape) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) dims.append(d).append(", ");
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, Math.max(0, dims.length() - 2)) + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC);
        head.write(1);
        head.write(0);
        head.write(header.length() & 0xFF);
        head.write((header.length() >> 8) & 0xFF);
        head.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(head.toByteArray());
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        out.write(b.array());
    }

    public static void write(OutputStream out, Tensor t) throws IOException {
        write(out, t.data(), t.shape());
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) if (a[i] != prefix[i]) return false;
        return true;
    }
}
