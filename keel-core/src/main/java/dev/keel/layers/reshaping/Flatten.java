package dev.keel.layers.reshaping;

import dev.keel.layers.Layer;
import java.util.Map;

/** Flattens each sample to one axis: (None, 28, 28) → (None, 784). Row-major, so the data is unchanged. */
public final class Flatten extends Layer {
    public Flatten() {
        super(null);
    }

    @Override
    public String className() {
        return "Flatten";
    }

    @Override
    protected Layer newInstance() {
        return new Flatten();
    }

    @Override
    protected int[] onBuild(int[] inputShape) {
        return new int[] {Layer.product(inputShape)};
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
        return Map.of("data_format", "channels_last");
    }
}
