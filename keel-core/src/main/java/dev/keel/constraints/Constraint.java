package dev.keel.constraints;

/**
 * A projection applied to a weight after each optimizer step, as Keras's {@code kernel_constraint}.
 * {@link NonNeg}: w = max(w, 0). {@link MaxNorm}: for a (rows, cols) weight, each column's L2 norm over
 * the rows is capped at {@code maxValue} (Keras's axis=0).
 */
public sealed interface Constraint {
    void apply(float[] w, int[] shape);

    String kerasClassName();

    record NonNeg() implements Constraint {
        public void apply(float[] w, int[] shape) { for (int i = 0; i < w.length; i++) if (w[i] < 0) w[i] = 0; }
        public String kerasClassName() { return "NonNeg"; }
    }

    record MaxNorm(double maxValue) implements Constraint {
        public MaxNorm {
            if (!(maxValue > 0)) throw new IllegalArgumentException("MaxNorm max_value must be > 0, got " + maxValue);
        }
        public void apply(float[] w, int[] shape) {
            int cols = shape[shape.length - 1], rows = w.length / cols;
            for (int c = 0; c < cols; c++) {
                double n = 0;
                for (int r = 0; r < rows; r++) n += (double) w[r * cols + c] * w[r * cols + c];
                n = Math.sqrt(n);
                double k = Math.min(n, maxValue) / (n + 1e-7);
                for (int r = 0; r < rows; r++) w[r * cols + c] = (float) (w[r * cols + c] * k);
            }
        }
        public String kerasClassName() { return "MaxNorm"; }
    }
}
