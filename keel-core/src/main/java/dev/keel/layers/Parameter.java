package dev.keel.layers;

import dev.keel.constraints.Constraint;
import dev.keel.regularizers.Regularizer;

/** A learnable weight (kernel, bias, gamma, beta) with its gradient, optional regularizer and constraint. */
public final class Parameter extends Weight {
    private final float[] grad;
    private final Regularizer regularizer;
    private final Constraint constraint;

    public Parameter(String name, int[] shape, Regularizer regularizer, Constraint constraint) {
        super(name, shape);
        this.grad = new float[size()];
        this.regularizer = regularizer;
        this.constraint = constraint;
    }

    /** dLoss/dValue, written by the owning layer's backward pass. */
    public float[] grad() {
        return grad;
    }

    /** The penalty added to the loss, or null. */
    public Regularizer regularizer() {
        return regularizer;
    }

    /** The projection applied after each update, or null. */
    public Constraint constraint() {
        return constraint;
    }
}
