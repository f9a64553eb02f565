package dev.keel.layers;

/** Non-trainable state a layer updates itself, such as BatchNormalization's moving mean and variance. */
public final class Buffer extends Weight {
    public Buffer(String name, int[] shape) {
        super(name, shape);
    }
}
