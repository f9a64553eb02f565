package dev.keel;

/** Small helpers for preparing data: one-hot encoding and argmax. */
public final class Tensors {
    private Tensors() {}

    /** Keras's {@code to_categorical}: class indices [n] (or [n,1]) → one-hot [n×classes]. */
    public static Tensor oneHot(Tensor labels, int classes) {
        if (labels.cols() != 1) throw new IllegalArgumentException("oneHot expects one label per sample, got " + labels.cols());
        if (classes < 1) throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        int n = labels.rows();
        float[] out = new float[n * classes];
        for (int i = 0; i < n; i++) {
            float v = labels.data()[i];
            if (v != Math.rint(v) || v < 0 || v >= classes) {
                throw new IllegalArgumentException("label " + v + " at sample " + i + " is not a class index in [0, " + classes + ")");
            }
            out[i * classes + (int) v] = 1f;
        }
        return new Tensor(out, new int[] {n, classes});
    }

    /** Index of the largest value in each row. */
    public static int[] argmax(Tensor t) {
        int n = t.rows(), c = t.cols();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) if (t.data()[i * c + j] > t.data()[i * c + best]) best = j;
            out[i] = best;
        }
        return out;
    }
}
