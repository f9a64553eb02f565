package dev.keel.io.hdf5;

/**
 * Bob Jenkins's lookup3 {@code hashlittle} with initial value 0: the checksum HDF5 puts on version-2
 * superblocks and object headers (HDF5 file format specification, "Checksum").
 */
final class Lookup3 {
    private Lookup3() {}

    static int hash(byte[] k, int off, int length) {
        int a, b, c;
        a = b = c = 0xdeadbeef + length;
        int i = off;
        while (length > 12) {
            a += le(k, i);
            b += le(k, i + 4);
            c += le(k, i + 8);
            // mix
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            length -= 12;
            i += 12;
        }
        if (length == 0) return c;
        // the last 1..12 bytes, zero-padded
        int[] w = new int[3];
        for (int j = 0; j < length; j++) w[j >> 2] += (k[i + j] & 0xFF) << (8 * (j & 3));
        a += w[0];
        b += w[1];
        c += w[2];
        // final
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    private static int le(byte[] k, int i) {
        return (k[i] & 0xFF) | (k[i + 1] & 0xFF) << 8 | (k[i + 2] & 0xFF) << 16 | (k[i + 3] & 0xFF) << 24;
    }
}
