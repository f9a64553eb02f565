package dev.keel.io.hdf5;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal HDF5 writer for model files: a tree of groups holding little-endian float32 and int64
 * datasets (contiguous, uncompressed), which is all Keras's weight files need.
 *
 * <p>The file uses the "new style" structures of HDF5 1.8+, which need no B-trees or heaps: a version-2
 * superblock, version-2 object headers ({@code OHDR}, lookup3 checksums) and compact link storage (each
 * child is a Link message in its group's header, with the Link Info and Group Info messages the HDF5
 * library expects beside them). Objects are laid out children first, so every address is known when its
 * parent is written, and the superblock is filled in last. Read back by h5py/libhdf5 in the tests.
 */
public final class Hdf5Writer {
    private static final long UNDEFINED = -1L;
    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final int SUPERBLOCK_SIZE = 48;

    /** A group: named children, written in insertion order. */
    public static final class Group {
        private final Map<String, Object> children = new LinkedHashMap<>();

        /** The child group {@code name}, created if absent. */
        public Group group(String name) {
            Object o = children.computeIfAbsent(checkName(name), n -> new Group());
            if (!(o instanceof Group g)) throw new IllegalArgumentException("'" + name + "' is already a dataset");
            return g;
        }

        /** A float32 dataset of the given shape (an empty shape makes a scalar). */
        public void float32(String name, long[] shape, float[] values) {
            long n = 1;
            for (long d : shape) n *= d;
            if (n != values.length) throw new IllegalArgumentException("dataset '" + name + "': " + values.length + " values for shape of " + n);
            byte[] data = new byte[values.length * 4];
            for (int i = 0; i < values.length; i++) putInt(data, 4 * i, Float.floatToRawIntBits(values[i]));
            put(name, new Dataset(shape.clone(), false, data));
        }

        /** A scalar int64 dataset (Keras's optimizer iteration count). */
        public void int64Scalar(String name, long value) {
            byte[] data = new byte[8];
            putLong(data, 0, value);
            put(name, new Dataset(new long[0], true, data));
        }

        private void put(String name, Dataset d) {
            if (children.putIfAbsent(checkName(name), d) != null) throw new IllegalArgumentException("'" + name + "' already exists");
        }

        private static String checkName(String name) {
            if (name == null || name.isEmpty() || name.contains("/") || name.equals(".")) {
                throw new IllegalArgumentException("bad HDF5 link name '" + name + "'");
            }
            return name;
        }
    }

    private record Dataset(long[] shape, boolean int64, byte[] data) {}

    private final Buf out = new Buf();

    private Hdf5Writer() {}

    /** The complete file for the tree under {@code root}. */
    public static byte[] write(Group root) {
        Hdf5Writer w = new Hdf5Writer();
        w.out.skip(SUPERBLOCK_SIZE);
        long rootAddress = w.writeGroup(root);
        long eof = w.out.size();
        Buf sb = new Buf();
        sb.bytes(SIGNATURE);
        sb.u8(2).u8(8).u8(8).u8(0);                // version 2; 8-byte offsets and lengths; no flags
        sb.u64(0).u64(UNDEFINED).u64(eof).u64(rootAddress);
        sb.u32(Lookup3.hash(sb.array(), 0, sb.size()));
        byte[] file = w.out.toByteArray();
        System.arraycopy(sb.array(), 0, file, 0, SUPERBLOCK_SIZE);
        return file;
    }

    private long writeGroup(Group g) {
        List<Message> messages = new ArrayList<>();
        messages.add(new Message(0x02, 0, new Buf().u8(0).u8(0).u64(UNDEFINED).u64(UNDEFINED)));     // Link Info
        int maxCompact = Math.max(8, g.children.size());
        if (maxCompact > 0xFFFF) throw new IllegalArgumentException("a group with " + g.children.size() + " children is too large");
        messages.add(new Message(0x0A, 0, new Buf().u8(0).u8(1).u16(maxCompact).u16(6)));              // Group Info
        for (var e : g.children.entrySet()) {
            long address = e.getValue() instanceof Group child ? writeGroup(child) : writeDataset((Dataset) e.getValue());
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            boolean ascii = name.length == e.getKey().length();
            boolean wide = name.length > 0xFF;
            Buf link = new Buf().u8(1).u8((wide ? 1 : 0) | (ascii ? 0 : 0x10));
            if (!ascii) link.u8(1);                                                                      // UTF-8
            if (wide) link.u16(name.length); else link.u8(name.length);
            link.bytes(name).u64(address);
            messages.add(new Message(0x06, 0, link));                                                   // Link (hard)
        }
        return writeHeader(messages);
    }

    private long writeDataset(Dataset d) {
        long dataAddress = out.size();
        out.bytes(d.data);
        Buf space = new Buf().u8(2).u8(d.shape.length).u8(0).u8(d.shape.length == 0 ? 0 : 1);
        for (long dim : d.shape) space.u64(dim);
        Buf type = new Buf();
        if (d.int64) {
            type.u8(0x10).u8(0x08).u8(0).u8(0).u32(8).u16(0).u16(64);                               // fixed point, LE, signed
        } else {
            type.u8(0x11).u8(0x20).u8(31).u8(0).u32(4).u16(0).u16(32).u8(23).u8(8).u8(0).u8(23).u32(127); // IEEE f32 LE
        }
        Buf fill = new Buf().u8(3).u8(0x0A);                                                            // late allocation, write if set
        Buf layout = new Buf().u8(3).u8(1).u64(dataAddress).u64(d.data.length);                         // contiguous
        return writeHeader(List.of(new Message(0x01, 0, space), new Message(0x03, 1, type), new Message(0x05, 1, fill),
                new Message(0x08, 0, layout)));
    }

    private record Message(int type, int flags, Buf body) {}

    private long writeHeader(List<Message> messages) {
        long address = out.size();
        long chunk = 0;
        for (Message m : messages) {
            if (m.body.size() > 0xFFFF) throw new IllegalArgumentException("HDF5 header message too large");
            chunk += 4 + m.body.size();
        }
        Buf h = new Buf();
        h.bytes(new byte[] {'O', 'H', 'D', 'R'}).u8(2).u8(0x02).u32((int) chunk);                      // 4-byte chunk size
        for (Message m : messages) h.u8(m.type).u16(m.body.size()).u8(m.flags).bytes(m.body.toByteArray());
        h.u32(Lookup3.hash(h.array(), 0, h.size()));
        out.bytes(h.toByteArray());
        return address;
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    /** A little-endian byte buffer. */
    private static final class Buf extends ByteArrayOutputStream {
        Buf u8(int v) { write(v); return this; }
        Buf u16(int v) { write(v); write(v >>> 8); return this; }
        Buf u32(int v) { for (int i = 0; i < 4; i++) write(v >>> (8 * i)); return this; }
        Buf u64(long v) { for (int i = 0; i < 8; i++) write((int) (v >>> (8 * i))); return this; }
        Buf bytes(byte[] b) { write(b, 0, b.length); return this; }
        Buf skip(int n) { return bytes(new byte[n]); }
        byte[] array() { return buf; }
    }
}
