package dev.keel.layers;

import java.util.Arrays;

/**
 * A named array of values owned by a layer. Two kinds, as in PyTorch's parameters vs buffers and Keras's
 * trainable vs non-trainable weights: a {@link Parameter} is learned by gradient descent and carries a
 * gradient; a {@link Buffer} is state the layer updates itself (BatchNormalization's moving statistics).
 */
public abstract sealed class Weight permits Parameter, Buffer {
    private final String name;
    private final int[] shape;
    private final float[] value;

    Weight(String name, int[] shape) {
        this.name = name;
        this.shape = shape.clone();
        long n = 1;
        for (int d : shape) n *= d;
        this.value = new float[Math.toIntExact(n)];
    }

    /** Keras's weight name: "kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance", …. */
    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** The live values (not a copy): layers and optimizers update them in place. */
    public float[] value() {
        return value;
    }

    public int size() {
        return value.length;
    }

    /** Replaces the values, checking the length. */
    public void set(float[] values) {
        if (values.length != value.length) {
            throw new IllegalArgumentException("weight '" + name + "' has shape " + Arrays.toString(shape)
                    + " (" + value.length + " values) but " + values.length + " values were given");
        }
        System.arraycopy(values, 0, value, 0, value.length);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + name + Arrays.toString(shape) + ")";
    }
}
