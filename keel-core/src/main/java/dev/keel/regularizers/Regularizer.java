package dev.keel.regularizers;

/**
 * A weight penalty added to the loss, Keras's {@code L1L2}: {@code penalty = l1·Σ|w| + l2·Σw²},
 * gradient {@code l1·sign(w) + 2·l2·w}. {@code l1(0.01)}, {@code l2(0.01)} mirror Keras's shortcuts.
 */
public record Regularizer(double l1, double l2) {
    public Regularizer {
        if (!(l1 >= 0) || !(l2 >= 0) || Double.isInfinite(l1) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("Regularizer factors must be finite and >= 0, got l1=" + l1 + ", l2=" + l2);
        }
    }

    public static Regularizer l1(double l1) { return new Regularizer(l1, 0); }

    public static Regularizer l2(double l2) { return new Regularizer(0, l2); }

    public static Regularizer l1l2(double l1, double l2) { return new Regularizer(l1, l2); }

    /** The penalty for weights {@code w}. */
    public double penalty(float[] w) {
        double s1 = 0, s2 = 0;
        for (float v : w) { s1 += Math.abs(v); s2 += (double) v * v; }
        return l1 * s1 + l2 * s2;
    }

    /** Adds the penalty's gradient to {@code grad}. */
    public void addGradient(float[] w, float[] grad) {
        float a = (float) l1, b = (float) (2 * l2);
        for (int i = 0; i < w.length; i++) grad[i] += a * Math.signum(w[i]) + b * w[i];
    }
}
