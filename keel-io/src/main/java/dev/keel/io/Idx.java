package dev.keel.io;

import dev.keel.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed (detected from content).
 * Layout: two zero bytes, a type byte (0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double),
 * the number of dimensions, each dimension as a big-endian int32, then the values big-endian, row-major.
 */
public final class Idx {
    private Idx() {}

    /** Reads the whole file as a float tensor of its declared shape. */
    public static Tensor read(Path file) {
        try (InputStream raw = open(file); DataInputStream in = new DataInputStream(raw)) {
            int z0 = in.readUnsignedByte(), z1 = in.readUnsignedByte(), type = in.readUnsignedByte(), rank = in.readUnsignedByte();
            if (z0 != 0 || z1 != 0) throw new DataFormatException(file + " is not an IDX file (bad magic number)");
            int width = switch (type) {
                case 0x08, 0x09 -> 1;
                case 0x0B -> 2;
                case 0x0C, 0x0D -> 4;
                case 0x0E -> 8;
                default -> throw new DataFormatException(file + ": unknown IDX data type 0x" + Integer.toHexString(type));
            };
            if (rank < 1) throw new DataFormatException(file + ": IDX rank must be at least 1, got " + rank);
            int[] shape = new int[rank];
            long count = 1;
            for (int i = 0; i < rank; i++) {
                shape[i] = in.readInt();
                if (shape[i] < 0) throw new DataFormatException(file + ": negative dimension " + shape[i]);
                count *= shape[i];
                if (count > Integer.MAX_VALUE - 8) throw new DataFormatException(file + ": declared shape is too large (" + count + "+ values)");
            }
            float[] data;
            if (width == 1) {
                // The common case (images, labels): decode chunk by chunk, never holding all bytes twice.
                java.util.List<byte[]> chunks = BoundedReader.readChunks(in, count, file.toString());
                data = new float[(int) count];
                int pos = 0;
                for (int c = 0; c < chunks.size(); c++) {
                    byte[] chunk = chunks.get(c);
                    chunks.set(c, null);
                    for (byte b : chunk) data[pos++] = type == 0x08 ? b & 0xFF : b;
                }
            } else {
                ByteBuffer buf = ByteBuffer.wrap(BoundedReader.readExactly(in, count * width, file.toString()));
                data = new float[(int) count];
                for (int i = 0; i < count; i++) {
                    data[i] = switch (type) {
                        case 0x0B -> buf.getShort();
                        case 0x0C -> buf.getInt();
                        case 0x0D -> buf.getFloat();
                        default -> (float) buf.getDouble();
                    };
                }
            }
            return new Tensor(data, shape);
        } catch (NoSuchFileException e) {
            throw new DataFormatException("no such file: " + file, e);
        } catch (EOFException e) {
            throw new DataFormatException(e.getMessage() != null ? e.getMessage() : file + " is truncated", e);
        } catch (IOException e) {
            throw new DataFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Opens a file, transparently gunzipping when it starts with the gzip magic bytes. */
    static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }
}
