package dev.keel.layers.normalization;

import dev.keel.constraints.Constraint;
import dev.keel.initializers.Initializer;
import dev.keel.kernels.Norm;
import dev.keel.layers.Buffer;
import dev.keel.layers.Layer;
import dev.keel.layers.LayerConfigs;
import dev.keel.layers.NonFiniteException;
import dev.keel.layers.Parameter;
import dev.keel.regularizers.Regularizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Batch normalization (Ioffe &amp; Szegedy, 2015) with Keras 3's arguments, defaults and semantics.
 *
 * <p>For each feature f along {@code axis} (the last axis), over the B rows of a batch:
 * <pre>
 * training:   μ_B = mean(x),  σ²_B = mean((x − μ_B)²)        (biased variance)
 *             y = γ·(x − μ_B)/√(σ²_B + ε) + β
 *             moving_mean     ← momentum·moving_mean     + (1 − momentum)·μ_B
 *             moving_variance ← momentum·moving_variance + (1 − momentum)·σ²_B
 * inference:  y = γ·(x − moving_mean)/√(moving_variance + ε) + β
 * backward:   x̂ = (x − μ_B)/√(σ²_B + ε)
 *             dγ = Σ dy·x̂,  dβ = Σ dy,  dx = γ/√(σ²_B + ε) · (dy − dβ/B − x̂·dγ/B)
 * </pre>
 * Defaults: {@code axis=-1, momentum=0.99, epsilon=1e-3, center=true, scale=true, beta_initializer=zeros,
 * gamma_initializer=ones, moving_mean_initializer=zeros, moving_variance_initializer=ones}.
 * Note Keras's momentum is the weight of the <em>old</em> value: PyTorch's momentum 0.1 is Keras's 0.9,
 * and PyTorch's running variance is unbiased where Keras's (and Keel's) is biased.
 *
 * <p>{@code center=false} drops β and {@code scale=false} drops γ; weights are ordered gamma, beta,
 * moving_mean, moving_variance with absent ones skipped, as Keras saves them.
 *
 * <p><b>The fine-tuning trap:</b> as in Keras 3, a layer with {@code trainable(false)} freezes γ and β
 * <em>and</em> runs in inference mode even during {@code fit}: it normalises with, and no longer updates,
 * its moving statistics.
 *
 * <p>A batch of one normalises every feature to β (its variance is 0); so does a constant feature.
 * NaN or ±∞ in a training batch raises {@link NonFiniteException} before the moving statistics are touched.
 *
 * <p>Example: {@code BatchNormalization.builder().momentum(0.9).epsilon(1e-5).build()}.
 */
public final class BatchNormalization extends Layer {
    private final int axis;
    private final double momentum;
    private final double epsilon;
    private final boolean center;
    private final boolean scale;
    private final Initializer betaInitializer;
    private final Initializer gammaInitializer;
    private final Initializer movingMeanInitializer;
    private final Initializer movingVarianceInitializer;
    private final Regularizer betaRegularizer;
    private final Regularizer gammaRegularizer;
    private final Constraint betaConstraint;
    private final Constraint gammaConstraint;

    private Parameter gamma;
    private Parameter beta;
    private Buffer movingMean;
    private Buffer movingVariance;
    private int features;

    /** With Keras's defaults. */
    public BatchNormalization() {
        this(builder());
    }

    private BatchNormalization(Builder b) {
        super(b.name);
        if (!(b.momentum >= 0 && b.momentum <= 1)) throw new IllegalArgumentException("BatchNormalization momentum must be in [0, 1], got " + b.momentum);
        if (!(b.epsilon > 0) || Double.isInfinite(b.epsilon)) throw new IllegalArgumentException("BatchNormalization epsilon must be > 0 and finite, got " + b.epsilon);
        this.axis = b.axis;
        this.momentum = b.momentum;
        this.epsilon = b.epsilon;
        this.center = b.center;
        this.scale = b.scale;
        this.betaInitializer = b.betaInitializer;
        this.gammaInitializer = b.gammaInitializer;
        this.movingMeanInitializer = b.movingMeanInitializer;
        this.movingVarianceInitializer = b.movingVarianceInitializer;
        this.betaRegularizer = b.betaRegularizer;
        this.gammaRegularizer = b.gammaRegularizer;
        this.betaConstraint = b.betaConstraint;
        this.gammaConstraint = b.gammaConstraint;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String className() {
        return "BatchNormalization";
    }

    @Override
    protected Layer newInstance() {
        return builder().axis(axis).momentum(momentum).epsilon(epsilon).center(center).scale(scale)
                .betaInitializer(betaInitializer).gammaInitializer(gammaInitializer).movingMeanInitializer(movingMeanInitializer)
                .movingVarianceInitializer(movingVarianceInitializer).betaRegularizer(betaRegularizer).gammaRegularizer(gammaRegularizer)
                .betaConstraint(betaConstraint).gammaConstraint(gammaConstraint).build();
    }

    public double momentum() { return momentum; }
    public double epsilon() { return epsilon; }
    public boolean center() { return center; }
    public boolean scale() { return scale; }

    @Override
    protected int[] onBuild(int[] inputShape) {
        int rank = inputShape.length + 1;   // with the batch axis
        if (inputShape.length == 0) throw new IllegalArgumentException("BatchNormalization needs inputs with a feature axis");
        if (axis != -1 && axis != rank - 1) {
            throw new IllegalArgumentException("BatchNormalization axis=" + axis + " is not supported for inputs of shape "
                    + Layer.shape(inputShape) + ": Keel normalises the last (channels-last) axis; use axis=-1");
        }
        features = inputShape[inputShape.length - 1];
        int[] s = {features};
        if (scale) gamma = addParameter("gamma", s, gammaInitializer, gammaRegularizer, gammaConstraint);
        if (center) beta = addParameter("beta", s, betaInitializer, betaRegularizer, betaConstraint);
        movingMean = addBuffer("moving_mean", s, movingMeanInitializer);
        movingVariance = addBuffer("moving_variance", s, movingVarianceInitializer);
        return inputShape;
    }

    /** Batch statistics from the training forward, and scratch for gradients of absent γ/β. */
    private static final class BnScratch implements Scratch {
        final float[] mean, var, invStd, scaleVec, shiftVec, dgamma, dbeta;
        boolean usedBatchStats;

        BnScratch(int f) {
            mean = new float[f]; var = new float[f]; invStd = new float[f];
            scaleVec = new float[f]; shiftVec = new float[f]; dgamma = new float[f]; dbeta = new float[f];
        }
    }

    @Override
    public Scratch newScratch(int batch) {
        return new BnScratch(features);
    }

    @Override
    public void forward(float[] x, float[] y, int batch, boolean training, Scratch scratch) {
        int rows = batch * (inputSize() / features);
        BnScratch s = scratch instanceof BnScratch b ? b : new BnScratch(features);
        boolean useBatchStats = training && trainable();
        s.usedBatchStats = useBatchStats;
        if (useBatchStats) {
            Norm.moments(x, rows, features, s.mean, s.var);
            if (Norm.hasNonFinite(s.mean, features) || Norm.hasNonFinite(s.var, features)) {
                throw new NonFiniteException(nonFiniteMessage(s));
            }
            Norm.invStd(s.var, (float) epsilon, s.invStd, features);
            float m = (float) momentum, m1 = (float) (1 - momentum);
            float[] mm = movingMean.value(), mv = movingVariance.value();
            for (int f = 0; f < features; f++) {
                mm[f] = m * mm[f] + m1 * s.mean[f];
                mv[f] = m * mv[f] + m1 * s.var[f];
            }
            for (int f = 0; f < features; f++) {
                s.scaleVec[f] = (scale ? gamma.value()[f] : 1f) * s.invStd[f];
                s.shiftVec[f] = center ? beta.value()[f] : 0f;
            }
            Norm.centeredAffine(x, y, rows, features, s.mean, s.scaleVec, s.shiftVec);
        } else {
            Norm.invStd(movingVariance.value(), (float) epsilon, s.invStd, features);
            for (int f = 0; f < features; f++) {
                s.scaleVec[f] = (scale ? gamma.value()[f] : 1f) * s.invStd[f];
                s.shiftVec[f] = center ? beta.value()[f] : 0f;
            }
            Norm.centeredAffine(x, y, rows, features, movingMean.value(), s.scaleVec, s.shiftVec);
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int batch, Scratch scratch) {
        int rows = batch * (inputSize() / features);
        BnScratch s = (BnScratch) scratch;
        if (!s.usedBatchStats) {
            // Inference mode: y = (x − moving_mean)·γ·invStd + β, an affine map with fixed statistics.
            if (trainable() && (scale || center)) {
                float[] dg = scale ? gamma.grad() : s.dgamma, db = center ? beta.grad() : s.dbeta;
                java.util.Arrays.fill(dg, 0f);
                java.util.Arrays.fill(db, 0f);
                float[] mm = movingMean.value();
                for (int r = 0; r < rows; r++) {
                    int o = r * features;
                    for (int f = 0; f < features; f++) {
                        db[f] += dy[o + f];
                        dg[f] += dy[o + f] * (x[o + f] - mm[f]) * s.invStd[f];
                    }
                }
            }
            if (dx != null) {
                for (int r = 0; r < rows; r++) {
                    int o = r * features;
                    for (int f = 0; f < features; f++) dx[o + f] = dy[o + f] * s.scaleVec[f];
                }
            }
            return;
        }
        float[] dg = scale ? gamma.grad() : s.dgamma;
        float[] db = center ? beta.grad() : s.dbeta;
        Norm.batchNormBackward(x, dy, dx, rows, features, s.mean, s.invStd, scale ? gamma.value() : null, dg, db);
    }

    private String nonFiniteMessage(BnScratch s) {
        int f = 0;
        while (f < features && Float.isFinite(s.mean[f]) && Float.isFinite(s.var[f])) f++;
        return "BatchNormalization '" + name() + "': the training batch has NaN or infinite values in feature " + f
                + " (batch mean " + s.mean[f] + ", variance " + s.var[f] + "); the moving statistics were left unchanged. "
                + "Check the input data for NaN/Inf, or lower the learning rate if training diverged.";
    }

    public float[] movingMean() {
        requireBuilt();
        return movingMean.value();
    }

    public float[] movingVariance() {
        requireBuilt();
        return movingVariance.value();
    }

    /** γ, or null when {@code scale=false}. */
    public float[] gamma() {
        requireBuilt();
        return scale ? gamma.value() : null;
    }

    /** β, or null when {@code center=false}. */
    public float[] beta() {
        requireBuilt();
        return center ? beta.value() : null;
    }

    /**
     * The inference map as a per-feature affine {@code y = a·x + c}: {@code a = γ/√(σ²+ε)}, {@code c = β − μ·a}
     * (for folding into a neighbouring Dense layer). Returns {a, c}.
     */
    public float[][] inferenceAffine() {
        requireBuilt();
        float[] a = new float[features], c = new float[features];
        for (int f = 0; f < features; f++) {
            double inv = 1.0 / Math.sqrt((double) movingVariance.value()[f] + epsilon);
            double g = scale ? gamma.value()[f] : 1.0, b = center ? beta.value()[f] : 0.0;
            a[f] = (float) (g * inv);
            c[f] = (float) (b - movingMean.value()[f] * g * inv);
        }
        return new float[][] {a, c};
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("axis", axis);
        c.put("momentum", momentum);
        c.put("epsilon", epsilon);
        c.put("center", center);
        c.put("scale", scale);
        c.put("beta_initializer", LayerConfigs.of(betaInitializer));
        c.put("gamma_initializer", LayerConfigs.of(gammaInitializer));
        c.put("moving_mean_initializer", LayerConfigs.of(movingMeanInitializer));
        c.put("moving_variance_initializer", LayerConfigs.of(movingVarianceInitializer));
        c.put("beta_regularizer", LayerConfigs.of(betaRegularizer));
        c.put("gamma_regularizer", LayerConfigs.of(gammaRegularizer));
        c.put("beta_constraint", LayerConfigs.of(betaConstraint));
        c.put("gamma_constraint", LayerConfigs.of(gammaConstraint));
        c.put("synchronized", false);
        return c;
    }

    @Override
    public String toString() {
        return "BatchNormalization(" + name() + ", momentum=" + momentum + ", epsilon=" + epsilon
                + ", center=" + center + ", scale=" + scale + (built() ? ", features=" + features : "") + ")";
    }

    /** Options, with Keras's defaults. */
    public static final class Builder {
        private String name;
        private int axis = -1;
        private double momentum = 0.99;
        private double epsilon = 1e-3;
        private boolean center = true;
        private boolean scale = true;
        private Initializer betaInitializer = new Initializer.Zeros();
        private Initializer gammaInitializer = new Initializer.Ones();
        private Initializer movingMeanInitializer = new Initializer.Zeros();
        private Initializer movingVarianceInitializer = new Initializer.Ones();
        private Regularizer betaRegularizer;
        private Regularizer gammaRegularizer;
        private Constraint betaConstraint;
        private Constraint gammaConstraint;

        private Builder() {}

        public Builder name(String v) { name = v; return this; }
        public Builder axis(int v) { axis = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder epsilon(double v) { epsilon = v; return this; }
        public Builder center(boolean v) { center = v; return this; }
        public Builder scale(boolean v) { scale = v; return this; }
        public Builder betaInitializer(Initializer v) { betaInitializer = java.util.Objects.requireNonNull(v); return this; }
        public Builder gammaInitializer(Initializer v) { gammaInitializer = java.util.Objects.requireNonNull(v); return this; }
        public Builder movingMeanInitializer(Initializer v) { movingMeanInitializer = java.util.Objects.requireNonNull(v); return this; }
        public Builder movingVarianceInitializer(Initializer v) { movingVarianceInitializer = java.util.Objects.requireNonNull(v); return this; }
        public Builder betaRegularizer(Regularizer v) { betaRegularizer = v; return this; }
        public Builder gammaRegularizer(Regularizer v) { gammaRegularizer = v; return this; }
        public Builder betaConstraint(Constraint v) { betaConstraint = v; return this; }
        public Builder gammaConstraint(Constraint v) { gammaConstraint = v; return this; }

        public BatchNormalization build() {
            return new BatchNormalization(this);
        }
    }
}
