package dev.keel.layers.preprocessing;

import dev.keel.kernels.Elementwise;
import dev.keel.layers.Layer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras's {@code Rescaling(scale, offset)}: {@code y = x·scale + offset}, e.g. {@code new Rescaling(1/255.0)}
 * maps pixels to [0, 1]. For per-feature min-max scaling use {@link Normalization#minMax}.
 */
public final class Rescaling extends Layer {
    private final double scale;
    private final double offset;

    public Rescaling(double scale) {
        this(scale, 0.0);
    }

    public Rescaling(double scale, double offset) {
        super(null);
        if (!Double.isFinite(scale) || !Double.isFinite(offset)) throw new IllegalArgumentException("Rescaling scale and offset must be finite, got " + scale + ", " + offset);
        this.scale = scale;
        this.offset = offset;
    }

    @Override
    public String className() {
        return "Rescaling";
    }

    @Override
    protected Layer newInstance() {
        return new Rescaling(scale, offset);
    }

    @Override
    protected int[] onBuild(int[] inputShape) {
        return inputShape;
    }

    @Override
    public void forward(float[] x, float[] y, int batch, boolean training, Scratch scratch) {
        Elementwise.scaleOffset(x, y, batch * inputSize(), (float) scale, (float) offset);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int batch, Scratch scratch) {
        if (dx != null) Elementwise.scaleOffset(dy, dx, batch * inputSize(), (float) scale, 0f);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("scale", scale);
        c.put("offset", offset);
        return c;
    }
}
