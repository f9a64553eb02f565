package dev.keel.layers.core;

import dev.keel.layers.Layer;
import java.util.Map;

/**
 * Declares a model's per-sample input shape, as Keras's {@code keras.Input(shape=(784,))}. A
 * {@code Sequential} takes its shape and, like Keras 3, does not list it as a layer.
 */
public final class InputLayer extends Layer {
    public InputLayer(int... shape) {
        super(null);
        inputShape(shape);
    }

    @Override
    public String className() {
        return "InputLayer";
    }

    @Override
    protected Layer newInstance() {
        return new InputLayer(declaredInputShape());
    }

    @Override
    protected int[] onBuild(int[] inputShape) {
        return inputShape;
    }

    @Override
    public void forward(float[] x, float[] y, int batch, boolean training, Scratch scratch) {
        System.arraycopy(x, 0, y, 0, batch * inputSize());
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int batch, Scratch scratch) {
        if (dx != null) System.arraycopy(dy, 0, dx, 0, batch * inputSize());
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Map.of();
    }
}
