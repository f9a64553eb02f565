package dev.keel.layers.activations;

import dev.keel.activations.Activation;
import dev.keel.layers.Layer;
import dev.keel.layers.SoftmaxHead;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras's {@code layers.Activation}: applies an activation function on its own, e.g. after a
 * {@code Dense(use_bias=false) → BatchNormalization} pair. Named ActivationLayer in Java so it does not
 * clash with the {@link Activation} enum; its Keras class name is "Activation".
 */
public final class ActivationLayer extends Layer implements SoftmaxHead {
    private final Activation activation;

    public ActivationLayer(Activation activation) {
        super(null);
        if (activation == null) throw new IllegalArgumentException("activation must not be null");
        this.activation = activation;
    }

    public ActivationLayer(String activation) {
        this(Activation.of(activation));
    }

    @Override
    public String className() {
        return "Activation";
    }

    @Override
    protected Layer newInstance() {
        return new ActivationLayer(activation);
    }

    @Override
    protected int[] onBuild(int[] inputShape) {
        return inputShape;
    }

    private int cols() {
        int[] s = inputShape();
        return s[s.length - 1];
    }

    @Override
    public void forward(float[] x, float[] y, int batch, boolean training, Scratch scratch) {
        int cols = cols(), rows = batch * inputSize() / cols;
        activation.forward(x, y, rows, cols);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int batch, Scratch scratch) {
        if (dx == null) return;
        int cols = cols(), rows = batch * inputSize() / cols;
        activation.backward(x, y, dy, dx, rows, cols);
    }

    @Override
    public Activation outputActivation() {
        return activation;
    }

    @Override
    public void backwardFromPreActivation(float[] x, float[] dz, float[] dx, int batch, Scratch scratch) {
        if (dx != null) System.arraycopy(dz, 0, dx, 0, batch * inputSize());
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("activation", activation.kerasName());
        return c;
    }
}
