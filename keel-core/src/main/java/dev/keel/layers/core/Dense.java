package dev.keel.layers.core;

import dev.keel.activations.Activation;
import dev.keel.constraints.Constraint;
import dev.keel.initializers.Initializer;
import dev.keel.kernels.Elementwise;
import dev.keel.kernels.Gemm;
import dev.keel.layers.Layer;
import dev.keel.layers.LayerConfigs;
import dev.keel.layers.Parameter;
import dev.keel.layers.SoftmaxHead;
import dev.keel.regularizers.Regularizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fully connected layer: {@code y = activation(x·W + b)}.
 *
 * <p>Shapes: {@code x[batch×in]}, kernel {@code W[in×units]}, bias {@code b[units]}, {@code y[batch×units]}.
 * Inputs of higher rank are multiplied along their last axis, as in Keras.
 *
 * <p>Backward: {@code dz = activation'(z) ⊙ dy}, {@code dW = xᵀ·dz}, {@code db = Σ_batch dz}, {@code dx = dz·Wᵀ}.
 *
 * <p>Defaults as Keras: {@code activation=linear, use_bias=true, kernel_initializer=glorot_uniform,
 * bias_initializer=zeros}, no regularizers or constraints. Example: {@code new Dense(128, Activation.RELU)}.
 */
public final class Dense extends Layer implements SoftmaxHead {
    private final int units;
    private final Activation activation;
    private final boolean useBias;
    private final Initializer kernelInitializer;
    private final Initializer biasInitializer;
    private final Regularizer kernelRegularizer;
    private final Regularizer biasRegularizer;
    private final Constraint kernelConstraint;
    private final Constraint biasConstraint;

    private Parameter kernel;
    private Parameter bias;
    private int in;

    public Dense(int units) {
        this(units, Activation.LINEAR);
    }

    public Dense(int units, Activation activation) {
        this(builder(units).activation(activation));
    }

    private Dense(Builder b) {
        super(b.name);
        if (b.units < 1) throw new IllegalArgumentException("Dense units must be >= 1, got " + b.units);
        if (b.activation == null) throw new IllegalArgumentException("Dense activation must not be null (use Activation.LINEAR)");
        this.units = b.units;
        this.activation = b.activation;
        this.useBias = b.useBias;
        this.kernelInitializer = b.kernelInitializer;
        this.biasInitializer = b.biasInitializer;
        this.kernelRegularizer = b.kernelRegularizer;
        this.biasRegularizer = b.biasRegularizer;
        this.kernelConstraint = b.kernelConstraint;
        this.biasConstraint = b.biasConstraint;
        if (b.inputDim > 0) inputShape(b.inputDim);
    }

    public static Builder builder(int units) {
        return new Builder(units);
    }

    @Override
    public String className() {
        return "Dense";
    }

    @Override
    protected Layer newInstance() {
        return toBuilder().build();
    }

    /** A builder holding this layer's configuration, to derive a variant (e.g. with a bias). */
    public Builder toBuilder() {
        return builder(units).activation(activation).useBias(useBias).kernelInitializer(kernelInitializer)
                .biasInitializer(biasInitializer).kernelRegularizer(kernelRegularizer).biasRegularizer(biasRegularizer)
                .kernelConstraint(kernelConstraint).biasConstraint(biasConstraint);
    }

    public int units() {
        return units;
    }

    public Activation activation() {
        return activation;
    }

    public boolean useBias() {
        return useBias;
    }

    @Override
    protected int[] onBuild(int[] inputShape) {
        if (inputShape.length < 1) throw new IllegalArgumentException("Dense needs inputs with at least one feature axis");
        in = inputShape[inputShape.length - 1];
        kernel = addParameter("kernel", new int[] {in, units}, kernelInitializer, kernelRegularizer, kernelConstraint);
        if (useBias) bias = addParameter("bias", new int[] {units}, biasInitializer, biasRegularizer, biasConstraint);
        int[] out = inputShape.clone();
        out[out.length - 1] = units;
        return out;
    }

    /** Keeps the pre-activation z when the activation's derivative needs it. */
    private record DenseScratch(float[] z) implements Scratch {}

    @Override
    public Scratch newScratch(int batch) {
        return activation.needsPreActivation() ? new DenseScratch(new float[batch * outputSize()]) : null;
    }

    @Override
    public void forward(float[] x, float[] y, int batch, boolean training, Scratch scratch) {
        int rows = batch * (inputSize() / in);
        if (useBias) {
            Gemm.gemmBias(false, false, rows, units, in, x, 0, kernel.value(), 0, y, 0, bias.value());
        } else {
            Gemm.gemm(false, false, rows, units, in, x, 0, kernel.value(), 0, y, 0, false);
        }
        if (training && scratch instanceof DenseScratch s) System.arraycopy(y, 0, s.z, 0, rows * units);
        activation.forward(y, y, rows, units);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int batch, Scratch scratch) {
        int rows = batch * (inputSize() / in);
        float[] z = scratch instanceof DenseScratch s ? s.z : null;
        activation.backward(z, y, dy, dy, rows, units);
        backwardFromPreActivation(x, dy, dx, batch, scratch);
    }

    @Override
    public Activation outputActivation() {
        return activation;
    }

    @Override
    public void backwardFromPreActivation(float[] x, float[] dz, float[] dx, int batch, Scratch scratch) {
        int rows = batch * (inputSize() / in);
        Runnable weights = () -> {
            Gemm.gemm(true, false, in, units, rows, x, 0, dz, 0, kernel.grad(), 0, false);   // dW = xᵀ·dz
            if (useBias) Elementwise.sumRows(dz, rows, units, bias.grad());                  // db = Σ dz
        };
        if (dx == null) {
            weights.run();
            return;
        }
        // dW and dx are independent and cost the same: small ones (batch 32's second layer) run side by side.
        Gemm.sideBySide((long) rows * in * units, weights,
                () -> Gemm.gemm(false, true, rows, in, units, dz, 0, kernel.value(), 0, dx, 0, false));  // dx = dz·Wᵀ
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("units", units);
        c.put("activation", activation.kerasName());
        c.put("use_bias", useBias);
        c.put("kernel_initializer", LayerConfigs.of(kernelInitializer));
        c.put("bias_initializer", LayerConfigs.of(biasInitializer));
        c.put("kernel_regularizer", LayerConfigs.of(kernelRegularizer));
        c.put("bias_regularizer", LayerConfigs.of(biasRegularizer));
        c.put("kernel_constraint", LayerConfigs.of(kernelConstraint));
        c.put("bias_constraint", LayerConfigs.of(biasConstraint));
        return c;
    }

    /** Options for a Dense layer beyond units and activation. */
    public static final class Builder {
        private final int units;
        private String name;
        private Activation activation = Activation.LINEAR;
        private boolean useBias = true;
        private Initializer kernelInitializer = Initializer.glorotUniform();
        private Initializer biasInitializer = new Initializer.Zeros();
        private Regularizer kernelRegularizer;
        private Regularizer biasRegularizer;
        private Constraint kernelConstraint;
        private Constraint biasConstraint;
        private int inputDim;

        private Builder(int units) {
            this.units = units;
        }

        public Builder name(String v) { name = v; return this; }
        public Builder activation(Activation v) { activation = v; return this; }
        public Builder activation(String v) { activation = Activation.of(v); return this; }
        public Builder useBias(boolean v) { useBias = v; return this; }
        public Builder kernelInitializer(Initializer v) { kernelInitializer = java.util.Objects.requireNonNull(v, "kernelInitializer"); return this; }
        public Builder kernelInitializer(String v) { return kernelInitializer(Initializer.of(v)); }
        public Builder biasInitializer(Initializer v) { biasInitializer = java.util.Objects.requireNonNull(v, "biasInitializer"); return this; }
        public Builder biasInitializer(String v) { return biasInitializer(Initializer.of(v)); }
        public Builder kernelRegularizer(Regularizer v) { kernelRegularizer = v; return this; }
        public Builder biasRegularizer(Regularizer v) { biasRegularizer = v; return this; }
        public Builder kernelConstraint(Constraint v) { kernelConstraint = v; return this; }
        public Builder biasConstraint(Constraint v) { biasConstraint = v; return this; }
        /** Keras's {@code input_dim}: declares the input shape {@code (inputDim,)} on a first layer. */
        public Builder inputDim(int v) {
            if (v < 1) throw new IllegalArgumentException("input_dim must be >= 1, got " + v);
            inputDim = v; return this;
        }

        public Dense build() {
            return new Dense(this);
        }
    }
}
