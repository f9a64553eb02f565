package dev.keel.losses;

/**
 * Keras's {@code binary_crossentropy}, averaged over the last axis:
 * <pre>
 * probabilities: p = clip(ŷ, ε, 1 − ε),  ℓ = mean_j −[t·log p + (1 − t)·log(1 − p)]
 * from_logits:   ℓ = mean_j [max(z, 0) − z·t + log(1 + e^−|z|)]
 * </pre>
 */
public final class BinaryCrossentropy implements Loss {
    private final boolean fromLogits;

    public BinaryCrossentropy() {
        this(false);
    }

    public BinaryCrossentropy(boolean fromLogits) {
        this.fromLogits = fromLogits;
    }

    @Override
    public String name() {
        return "binary_crossentropy";
    }

    @Override
    public void perSample(float[] yTrue, float[] yPred, int batch, int cols, double[] out) {
        for (int b = 0; b < batch; b++) {
            double l = 0;
            for (int j = 0; j < cols; j++) {
                int i = b * cols + j;
                double t = yTrue[i];
                if (fromLogits) {
                    double z = yPred[i];
                    l += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
                } else {
                    double p = Losses.clip(yPred[i]);
                    l -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
                }
            }
            out[b] = l / cols;
        }
    }

    @Override
    public void gradient(float[] yTrue, float[] yPred, int batch, int cols, float[] weights, float[] grad) {
        for (int b = 0; b < batch; b++) {
            float w = Losses.weight(weights, b) / batch / cols;
            for (int j = 0; j < cols; j++) {
                int i = b * cols + j;
                double t = yTrue[i];
                if (fromLogits) {
                    grad[i] = (float) (w * (1.0 / (1.0 + Math.exp(-yPred[i])) - t));
                } else {
                    float p = yPred[i];
                    boolean inside = p > Losses.EPSILON && p < 1 - Losses.EPSILON;
                    grad[i] = inside ? (float) (w * (-t / p + (1 - t) / (1 - p))) : 0f;
                }
            }
        }
    }
}
