package dev.keel.layers.preprocessing;

import dev.keel.Tensor;
import dev.keel.initializers.Initializer;
import dev.keel.kernels.Norm;
import dev.keel.layers.Buffer;
import dev.keel.layers.Layer;
import dev.keel.layers.NonFiniteException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Input standardization, Keras's preprocessing {@code Normalization} layer: per feature (last axis),
 * <pre>
 * y = (x − mean) / max(√variance, 1e-7)         (invert=false)
 * y = mean + x · max(√variance, 1e-7)           (invert=true: undoes the standardization)
 * </pre>
 * The statistics come from {@link #adapt(Tensor)} (per-feature mean and biased variance of the data) or are
 * given. {@link #minMax(Tensor)} builds the min-max scaler {@code (x − min)/(max − min)} as the same layer.
 * The statistics are non-trainable weights "mean" and "variance", saved with the model.
 */
public final class Normalization extends Layer {
    private static final double KERAS_EPSILON = 1e-7;
    private final boolean invert;
    private float[] givenMean;
    private float[] givenVariance;
    private Buffer mean;
    private Buffer variance;
    private int features;

    /** Statistics to be set by {@link #adapt(Tensor)} before use. */
    public Normalization() {
        this(false);
    }

    public Normalization(boolean invert) {
        super(null);
        this.invert = invert;
    }

    /** With given per-feature statistics. */
    public Normalization(float[] mean, float[] variance, boolean invert) {
        super(null);
        this.invert = invert;
        if (mean.length != variance.length) {
            throw new IllegalArgumentException("Normalization mean has " + mean.length + " values but variance has " + variance.length);
        }
        for (float v : variance) {
            if (!(v >= 0) || Float.isInfinite(v)) throw new IllegalArgumentException("Normalization variance must be finite and >= 0, got " + v);
        }
        for (float m : mean) if (!Float.isFinite(m)) throw new IllegalArgumentException("Normalization mean must be finite, got " + m);
        this.givenMean = mean.clone();
        this.givenVariance = variance.clone();
    }

    /** A min-max scaler to [0, 1] per feature, adapted on {@code data}: mean = min, √variance = max − min. */
    public static Normalization minMax(Tensor data) {
        int c = lastDim(data), rows = data.data().length / c;
        float[] lo = new float[c], hi = new float[c];
        java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        float[] d = data.data();
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < c; f++) {
                float v = d[r * c + f];
                if (!Float.isFinite(v)) throw new NonFiniteException("min-max scaling: the data has a NaN or infinite value at row " + r + ", feature " + f);
                lo[f] = Math.min(lo[f], v);
                hi[f] = Math.max(hi[f], v);
            }
        }
        float[] var = new float[c];
        for (int f = 0; f < c; f++) { float range = hi[f] - lo[f]; var[f] = range * range; }
        return new Normalization(lo, var, false);
    }

    /** Computes per-feature mean and variance from {@code data} (rows × …features), as Keras's {@code adapt}. */
    public Normalization adapt(Tensor data) {
        int c = lastDim(data), rows = data.data().length / c;
        if (rows == 0) throw new IllegalArgumentException("Normalization.adapt needs at least one sample");
        if (Norm.hasNonFinite(data.data(), data.data().length)) {
            throw new NonFiniteException("Normalization.adapt: the data contains NaN or infinite values; clean or impute them first");
        }
        float[] m = new float[c], v = new float[c];
        Norm.moments(data.data(), rows, c, m, v);
        givenMean = m;
        givenVariance = v;
        if (built()) {
            if (c != features) throw new IllegalArgumentException("Normalization was built for " + features + " features but adapt got " + c);
            mean.set(m);
            variance.set(v);
        } else {
            build(data.sampleShape(), 0);
        }
        return this;
    }

    private static int lastDim(Tensor t) {
        int[] s = t.shape();
        if (s.length < 2) throw new IllegalArgumentException("expected data of shape (samples, features…), got " + java.util.Arrays.toString(s));
        return s[s.length - 1];
    }

    @Override
    public String className() {
        return "Normalization";
    }

    /** Statistics are weights, copied with the others; the copy starts from the same configuration. */
    @Override
    protected Layer newInstance() {
        return givenMean == null ? new Normalization(invert) : new Normalization(givenMean, givenVariance, invert);
    }

    @Override
    protected int[] onBuild(int[] inputShape) {
        features = inputShape[inputShape.length - 1];
        if (givenMean != null && givenMean.length != features) {
            throw new IllegalArgumentException("Normalization has statistics for " + givenMean.length + " features but the input has " + features);
        }
        mean = addBuffer("mean", new int[] {features}, new Initializer.Zeros());
        variance = addBuffer("variance", new int[] {features}, new Initializer.Ones());
        if (givenMean != null) {
            mean.set(givenMean);
            variance.set(givenVariance);
        }
        return inputShape;
    }

    /** Per-feature divisor max(√variance, 1e-7). */
    private float[] stdev() {
        float[] s = new float[features];
        for (int f = 0; f < features; f++) s[f] = (float) Math.max(Math.sqrt(variance.value()[f]), KERAS_EPSILON);
        return s;
    }

    @Override
    public void forward(float[] x, float[] y, int batch, boolean training, Scratch scratch) {
        int rows = batch * (inputSize() / features);
        float[] sd = stdev(), scale = new float[features];
        if (invert) {
            float[] zero = new float[features];
            Norm.centeredAffine(x, y, rows, features, zero, sd, mean.value());
        } else {
            for (int f = 0; f < features; f++) scale[f] = 1f / sd[f];
            Norm.centeredAffine(x, y, rows, features, mean.value(), scale, new float[features]);
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int batch, Scratch scratch) {
        if (dx == null) return;
        int rows = batch * (inputSize() / features);
        float[] sd = stdev();
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < features; f++) {
                int i = r * features + f;
                dx[i] = invert ? dy[i] * sd[f] : dy[i] / sd[f];
            }
        }
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("axis", -1);
        c.put("invert", invert);
        c.put("mean", null);
        c.put("variance", null);
        return c;
    }
}
