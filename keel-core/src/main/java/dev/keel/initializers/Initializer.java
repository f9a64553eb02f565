package dev.keel.initializers;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Weight initializers with Keras's names and formulas. For a kernel of shape (fan_in, fan_out):
 *
 * <pre>
 * glorot_uniform  U(−l, l), l = √(6/(fan_in+fan_out))       glorot_normal  TN(0, √(2/(fan_in+fan_out)))
 * he_uniform      U(−l, l), l = √(6/fan_in)                  he_normal      TN(0, √(2/fan_in))
 * lecun_uniform   U(−l, l), l = √(3/fan_in)                  lecun_normal   TN(0, √(1/fan_in))
 * random_normal   N(mean 0, stddev 0.05)                     random_uniform U(−0.05, 0.05)
 * truncated_normal TN(0, 0.05)                               orthogonal     (gain 1)
 * zeros, ones, constant(value)
 * </pre>
 * TN is a normal truncated at two standard deviations; the variance-scaling normals divide the stddev by
 * 0.8796256610342398 so that the truncated distribution keeps the intended variance, as Keras does.
 * Every initializer is deterministic given the seed passed to {@link #initialize}.
 */
public sealed interface Initializer {
    /** Fills {@code out} (a weight of {@code shape}) deterministically from {@code seed}. */
    void initialize(float[] out, int[] shape, long seed);

    /** The Keras class name and config, e.g. {@code GlorotUniform, {seed: null}}. */
    String kerasClassName();

    Map<String, Object> config();

    // ---- constants ----
    record Zeros() implements Initializer {
        public void initialize(float[] out, int[] shape, long seed) { Arrays.fill(out, 0f); }
        public String kerasClassName() { return "Zeros"; }
        public Map<String, Object> config() { return Map.of(); }
    }

    record Ones() implements Initializer {
        public void initialize(float[] out, int[] shape, long seed) { Arrays.fill(out, 1f); }
        public String kerasClassName() { return "Ones"; }
        public Map<String, Object> config() { return Map.of(); }
    }

    record Constant(double value) implements Initializer {
        public void initialize(float[] out, int[] shape, long seed) { Arrays.fill(out, (float) value); }
        public String kerasClassName() { return "Constant"; }
        public Map<String, Object> config() { return Map.of("value", value); }
    }

    // ---- random ----
    record RandomNormal(double mean, double stddev) implements Initializer {
        public RandomNormal {
            if (!(stddev >= 0)) throw new IllegalArgumentException("RandomNormal stddev must be >= 0, got " + stddev);
        }
        public void initialize(float[] out, int[] shape, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < out.length; i++) out[i] = (float) (mean + stddev * Gaussian.next(r));
        }
        public String kerasClassName() { return "RandomNormal"; }
        public Map<String, Object> config() { return Map.of("mean", mean, "stddev", stddev); }
    }

    record RandomUniform(double minval, double maxval) implements Initializer {
        public RandomUniform {
            if (!(maxval >= minval)) throw new IllegalArgumentException("RandomUniform needs minval <= maxval, got " + minval + " > " + maxval);
        }
        public void initialize(float[] out, int[] shape, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < out.length; i++) out[i] = (float) (minval + (maxval - minval) * r.nextDouble());
        }
        public String kerasClassName() { return "RandomUniform"; }
        public Map<String, Object> config() { return Map.of("minval", minval, "maxval", maxval); }
    }

    record TruncatedNormal(double mean, double stddev) implements Initializer {
        public TruncatedNormal {
            if (!(stddev >= 0)) throw new IllegalArgumentException("TruncatedNormal stddev must be >= 0, got " + stddev);
        }
        public void initialize(float[] out, int[] shape, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < out.length; i++) out[i] = (float) (mean + stddev * Gaussian.truncated(r));
        }
        public String kerasClassName() { return "TruncatedNormal"; }
        public Map<String, Object> config() { return Map.of("mean", mean, "stddev", stddev); }
    }

    /** Keras's VarianceScaling: the base of the glorot, he and lecun families. */
    record VarianceScaling(double scale, String mode, String distribution) implements Initializer {
        public VarianceScaling {
            if (!(scale > 0)) throw new IllegalArgumentException("VarianceScaling scale must be > 0, got " + scale);
            if (!Options.MODES.contains(mode)) throw new IllegalArgumentException("VarianceScaling mode must be fan_in, fan_out or fan_avg, got " + mode);
            if (!Options.DISTRIBUTIONS.contains(distribution)) throw new IllegalArgumentException("VarianceScaling distribution must be truncated_normal, untruncated_normal or uniform, got " + distribution);
        }
        public void initialize(float[] out, int[] shape, long seed) {
            double[] fans = fans(shape);
            double n = switch (mode) {
                case "fan_in" -> fans[0];
                case "fan_out" -> fans[1];
                default -> (fans[0] + fans[1]) / 2;
            };
            double s = scale / Math.max(1.0, n);
            SplittableRandom r = new SplittableRandom(seed);
            switch (distribution) {
                case "uniform" -> {
                    double limit = Math.sqrt(3.0 * s);
                    for (int i = 0; i < out.length; i++) out[i] = (float) (limit * (2 * r.nextDouble() - 1));
                }
                case "untruncated_normal" -> {
                    double sd = Math.sqrt(s);
                    for (int i = 0; i < out.length; i++) out[i] = (float) (sd * Gaussian.next(r));
                }
                default -> {
                    double sd = Math.sqrt(s) / 0.8796256610342398;
                    for (int i = 0; i < out.length; i++) out[i] = (float) (sd * Gaussian.truncated(r));
                }
            }
        }
        public String kerasClassName() { return "VarianceScaling"; }
        public Map<String, Object> config() { return Map.of("scale", scale, "mode", mode, "distribution", distribution); }
    }

    /** Orthogonal matrix (QR of a Gaussian matrix, sign-corrected), times gain; shapes flatten to (∏ shape[:-1], shape[-1]). */
    record Orthogonal(double gain) implements Initializer {
        public void initialize(float[] out, int[] shape, long seed) {
            int cols = shape[shape.length - 1], rows = out.length / Math.max(cols, 1);
            boolean flip = rows < cols;
            int n = flip ? cols : rows, m = flip ? rows : cols; // n ≥ m: Gaussian n×m, orthonormal columns
            SplittableRandom r = new SplittableRandom(seed);
            double[][] q = new double[m][n];   // column vectors
            for (int j = 0; j < m; j++) for (int i = 0; i < n; i++) q[j][i] = Gaussian.next(r);
            for (int j = 0; j < m; j++) {      // modified Gram-Schmidt
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += q[j][i] * q[p][i];
                    for (int i = 0; i < n; i++) q[j][i] -= dot * q[p][i];
                }
                double norm = 0;
                for (int i = 0; i < n; i++) norm += q[j][i] * q[j][i];
                norm = Math.sqrt(norm);
                for (int i = 0; i < n; i++) q[j][i] /= norm;
            }
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) out[i * cols + j] = (float) (gain * (flip ? q[i][j] : q[j][i]));
            }
        }
        public String kerasClassName() { return "Orthogonal"; }
        public Map<String, Object> config() { return Map.of("gain", gain); }
    }

    static Initializer glorotUniform() { return new VarianceScaling(1.0, "fan_avg", "uniform"); }
    static Initializer glorotNormal() { return new VarianceScaling(1.0, "fan_avg", "truncated_normal"); }
    static Initializer heUniform() { return new VarianceScaling(2.0, "fan_in", "uniform"); }
    static Initializer heNormal() { return new VarianceScaling(2.0, "fan_in", "truncated_normal"); }
    static Initializer lecunUniform() { return new VarianceScaling(1.0, "fan_in", "uniform"); }
    static Initializer lecunNormal() { return new VarianceScaling(1.0, "fan_in", "truncated_normal"); }

    /** Looks up a Keras name: glorot_uniform, he_normal, zeros, ones, random_normal, orthogonal, …. */
    static Initializer of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "glorot_uniform", "glorotuniform" -> glorotUniform();
            case "glorot_normal", "glorotnormal" -> glorotNormal();
            case "he_uniform", "heuniform" -> heUniform();
            case "he_normal", "henormal" -> heNormal();
            case "lecun_uniform", "lecununiform" -> lecunUniform();
            case "lecun_normal", "lecunnormal" -> lecunNormal();
            case "random_normal", "randomnormal" -> new RandomNormal(0, 0.05);
            case "random_uniform", "randomuniform" -> new RandomUniform(-0.05, 0.05);
            case "truncated_normal", "truncatednormal" -> new TruncatedNormal(0, 0.05);
            case "zeros" -> new Zeros();
            case "ones" -> new Ones();
            case "orthogonal" -> new Orthogonal(1.0);
            default -> throw new IllegalArgumentException("Unknown initializer '" + name + "'. Valid: glorot_uniform, "
                    + "glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, random_normal, random_uniform, "
                    + "truncated_normal, zeros, ones, orthogonal (or Constant(value) in Java)");
        };
    }

    /** Keras's fan computation: a 2-D (in, out) kernel has fans (in, out); higher ranks multiply the receptive field. */
    static double[] fans(int[] shape) {
        if (shape.length == 0) return new double[] {1, 1};
        if (shape.length == 1) return new double[] {shape[0], shape[0]};
        if (shape.length == 2) return new double[] {shape[0], shape[1]};
        double receptive = 1;
        for (int i = 0; i < shape.length - 2; i++) receptive *= shape[i];
        return new double[] {shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive};
    }

    /** Allowed option values, kept apart so the records above stay readable. */
    final class Options {
        static final java.util.Set<String> MODES = java.util.Set.of("fan_in", "fan_out", "fan_avg");
        static final java.util.Set<String> DISTRIBUTIONS = java.util.Set.of("truncated_normal", "untruncated_normal", "uniform");
        private Options() {}
    }

    /** Standard normal samples (Box–Muller on a seeded stream) and the two-sigma truncated variant. */
    final class Gaussian {
        private Gaussian() {}
        static double next(SplittableRandom r) {
            double u1 = r.nextDouble(), u2 = r.nextDouble();
            return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
        }
        static double truncated(SplittableRandom r) {
            while (true) {
                double g = next(r);
                if (Math.abs(g) <= 2.0) return g;
            }
        }
    }
}
