package dev.keel.layers.regularization;

import dev.keel.kernels.Elementwise;
import dev.keel.layers.Layer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inverted dropout, as Keras: in training each value is kept with probability {@code 1 − rate} and scaled
 * by {@code 1/(1 − rate)}, else zeroed; at inference the layer is the identity. {@code dx = dy ⊙ mask}.
 * The mask stream is seeded (the model's seed unless {@code seed} is given), so runs repeat exactly.
 */
public final class Dropout extends Layer {
    private final double rate;
    private final Long seedOverride;
    private SplittableRandom random;

    public Dropout(double rate) {
        this(rate, null);
    }

    public Dropout(double rate, Long seed) {
        super(null);
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("Dropout rate must be in [0, 1), got " + rate);
        this.rate = rate;
        this.seedOverride = seed;
    }

    @Override
    public String className() {
        return "Dropout";
    }

    @Override
    protected Layer newInstance() {
        return new Dropout(rate, seedOverride);
    }

    @Override
    protected int[] onBuild(int[] inputShape) {
        random = new SplittableRandom(seedOverride != null ? seedOverride : seed());
        return inputShape;
    }

    private record DropoutScratch(float[] mask) implements Scratch {}

    @Override
    public Scratch newScratch(int batch) {
        return new DropoutScratch(new float[batch * inputSize()]);
    }

    @Override
    public void forward(float[] x, float[] y, int batch, boolean training, Scratch scratch) {
        int n = batch * inputSize();
        if (!training || rate == 0) {
            System.arraycopy(x, 0, y, 0, n);
            if (scratch instanceof DropoutScratch s) java.util.Arrays.fill(s.mask, 0, n, 1f);
            return;
        }
        float[] mask = ((DropoutScratch) scratch).mask;
        float keep = (float) (1.0 / (1.0 - rate));
        for (int i = 0; i < n; i++) mask[i] = random.nextDouble() < rate ? 0f : keep;
        Elementwise.multiply(x, mask, y, n);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int batch, Scratch scratch) {
        if (dx != null) Elementwise.multiply(dy, ((DropoutScratch) scratch).mask, dx, batch * inputSize());
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("rate", rate);
        c.put("seed", seedOverride);
        c.put("noise_shape", null);
        return c;
    }
}
