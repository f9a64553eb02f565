package dev.keel.activations;

import dev.keel.kernels.Elementwise;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Activation functions with Keras's names and formulas (Keras 3 {@code keras.activations}).
 *
 * <pre>
 * linear       y = z
 * relu         y = max(z, 0)
 * leaky_relu   y = z if z > 0 else 0.2·z           (Keras's negative_slope default)
 * elu          y = z if z > 0 else eᶻ − 1           (alpha 1)
 * selu         y = λ·(z if z > 0 else α(eᶻ − 1))    (λ ≈ 1.0507, α ≈ 1.6733)
 * gelu         y = z·Φ(z)                           (exact, Keras's approximate=False)
 * sigmoid      y = 1/(1 + e⁻ᶻ)
 * hard_sigmoid y = clip(z/6 + ½, 0, 1)              (Keras 3)
 * tanh, softplus = log(1 + eᶻ), softsign = z/(1 + |z|), swish = silu = z·sigmoid(z)
 * softmax      y_i = e^(z_i − max z)/Σ_j e^(z_j − max z) over the last axis
 * </pre>
 * Each has a backward that maps dL/dy to dL/dz.
 */
public enum Activation {
    LINEAR("linear"), RELU("relu"), LEAKY_RELU("leaky_relu"), ELU("elu"), SELU("selu"), GELU("gelu"),
    SIGMOID("sigmoid"), HARD_SIGMOID("hard_sigmoid"), TANH("tanh"), SOFTPLUS("softplus"), SOFTSIGN("softsign"),
    SWISH("swish"), SOFTMAX("softmax");

    private static final float LEAKY_SLOPE = 0.2f;
    private final String kerasName;

    Activation(String kerasName) {
        this.kerasName = kerasName;
    }

    /** The Keras name, as written in a model config ("relu", "softmax", …). */
    public String kerasName() {
        return kerasName;
    }

    /** Looks up a Keras name ("relu", "silu", null or "linear" for none); unknown names list the valid ones. */
    public static Activation of(String name) {
        if (name == null || name.isEmpty() || name.equalsIgnoreCase("linear") || name.equalsIgnoreCase("none")) return LINEAR;
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("silu")) return SWISH;
        for (Activation a : values()) if (a.kerasName.equals(n)) return a;
        throw new IllegalArgumentException("Unknown activation '" + name + "'. Valid: "
                + Arrays.stream(values()).map(Activation::kerasName).collect(Collectors.joining(", ")) + ", silu");
    }

    /** True when the backward needs the pre-activation z (otherwise the output y suffices). */
    public boolean needsPreActivation() {
        return switch (this) {
            case LEAKY_RELU, ELU, SELU, GELU, HARD_SIGMOID, SOFTPLUS, SOFTSIGN, SWISH -> true;
            default -> false;
        };
    }

    /** {@code y[rows×cols] = act(z)}; y may alias z only when {@link #needsPreActivation()} is false. */
    public void forward(float[] z, float[] y, int rows, int cols) {
        int n = rows * cols;
        switch (this) {
            case LINEAR -> { if (y != z) System.arraycopy(z, 0, y, 0, n); }
            case RELU -> Elementwise.relu(z, y, n);
            case LEAKY_RELU -> Elementwise.leakyRelu(z, y, n, LEAKY_SLOPE);
            case ELU -> Elementwise.elu(z, y, n, 1f);
            case SELU -> Elementwise.selu(z, y, n);
            case GELU -> Elementwise.gelu(z, y, n);
            case SIGMOID -> Elementwise.sigmoid(z, y, n);
            case HARD_SIGMOID -> Elementwise.hardSigmoid(z, y, n);
            case TANH -> Elementwise.tanh(z, y, n);
            case SOFTPLUS -> Elementwise.softplus(z, y, n);
            case SOFTSIGN -> Elementwise.softsign(z, y, n);
            case SWISH -> Elementwise.swish(z, y, n);
            case SOFTMAX -> Elementwise.softmax(z, y, rows, cols);
        }
    }

    /** {@code dz = act'(z) ⊙ dy} (row-wise Jacobian product for softmax); dz may alias dy. */
    public void backward(float[] z, float[] y, float[] dy, float[] dz, int rows, int cols) {
        int n = rows * cols;
        switch (this) {
            case LINEAR -> { if (dz != dy) System.arraycopy(dy, 0, dz, 0, n); }
            case RELU -> Elementwise.reluBackward(y, dy, dz, n);
            case LEAKY_RELU -> Elementwise.leakyReluBackward(z, dy, dz, n, LEAKY_SLOPE);
            case ELU -> Elementwise.eluBackward(z, y, dy, dz, n, 1f);
            case SELU -> Elementwise.seluBackward(z, y, dy, dz, n);
            case GELU -> Elementwise.geluBackward(z, dy, dz, n);
            case SIGMOID -> Elementwise.sigmoidBackward(y, dy, dz, n);
            case HARD_SIGMOID -> Elementwise.hardSigmoidBackward(z, dy, dz, n);
            case TANH -> Elementwise.tanhBackward(y, dy, dz, n);
            case SOFTPLUS -> Elementwise.softplusBackward(z, dy, dz, n);
            case SOFTSIGN -> Elementwise.softsignBackward(z, dy, dz, n);
            case SWISH -> Elementwise.swishBackward(z, dy, dz, n);
            case SOFTMAX -> Elementwise.softmaxBackward(y, dy, dz, rows, cols);
        }
    }
}
