package dev.keel;

import java.util.Arrays;

/**
 * A dense float32 array with a shape, row-major: the data a model reads and writes.
 * {@code shape[0]} is the batch (sample) axis for model inputs and outputs.
 *
 * @param data  the values, length = product of shape
 * @param shape the dimensions
 */
public record Tensor(float[] data, int[] shape) {
    public Tensor {
        if (shape.length == 0) throw new IllegalArgumentException("a Tensor needs at least one dimension");
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but the data has " + data.length);
        }
        shape = shape.clone();
    }

    /** A matrix {@code [rows×cols]} over {@code data}. */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data, shape);
    }

    /** A [rows×cols] tensor from nested arrays. */
    public static Tensor of(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] d = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, expected " + cols);
            System.arraycopy(rows[r], 0, d, r * cols, cols);
        }
        return new Tensor(d, new int[] {rows.length, cols});
    }

    public static Tensor zeros(int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large for one array");
        return new Tensor(new float[(int) n], shape);
    }

    /** Number of samples: {@code shape[0]}. */
    public int rows() {
        return shape[0];
    }

    /** Values per sample: the product of {@code shape[1:]}. */
    public int cols() {
        int n = 1;
        for (int i = 1; i < shape.length; i++) n *= shape[i];
        return n;
    }

    /** The per-sample shape, {@code shape[1:]}. */
    public int[] sampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public float get(int... idx) {
        if (idx.length != shape.length) throw new IllegalArgumentException("expected " + shape.length + " indices");
        int o = 0;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " outside " + Arrays.toString(shape));
            o = o * shape[i] + idx[i];
        }
        return data[o];
    }

    /** Rows [from, to) as a new tensor (copied). */
    public Tensor slice(int from, int to) {
        int c = cols();
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(Arrays.copyOfRange(data, from * c, to * c), s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
