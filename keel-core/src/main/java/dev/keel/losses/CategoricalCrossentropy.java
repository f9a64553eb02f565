package dev.keel.losses;

/**
 * Keras's {@code categorical_crossentropy} for one-hot (or soft) targets t:
 * <pre>
 * probabilities: p = clip(ŷ/Σŷ, ε, 1 − ε),  ℓ = −Σ_j t̃_j·log p_j
 * from_logits:   ℓ = −Σ_j t̃_j·log_softmax(z)_j
 * label smoothing s over C classes: t̃ = t·(1 − s) + s/C
 * </pre>
 * After a softmax output the gradient at the logits is {@code p − t̃}, which Keel uses directly.
 */
public class CategoricalCrossentropy implements Loss {
    private final boolean fromLogits;
    private final double labelSmoothing;

    public CategoricalCrossentropy() {
        this(false, 0.0);
    }

    public CategoricalCrossentropy(boolean fromLogits, double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new IllegalArgumentException("label_smoothing must be in [0, 1], got " + labelSmoothing);
        this.fromLogits = fromLogits;
        this.labelSmoothing = labelSmoothing;
    }

    @Override
    public String name() {
        return "categorical_crossentropy";
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    /** The target for class j of sample b, after label smoothing. */
    protected float target(float[] yTrue, int b, int j, int cols) {
        float t = yTrue[b * cols + j];
        return labelSmoothing == 0 ? t : (float) (t * (1 - labelSmoothing) + labelSmoothing / cols);
    }

    @Override
    public void perSample(float[] yTrue, float[] yPred, int batch, int cols, double[] out) {
        for (int b = 0; b < batch; b++) {
            int o = b * cols;
            double l = 0;
            if (fromLogits) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) max = Math.max(max, yPred[o + j]);
                double sum = 0;
                for (int j = 0; j < cols; j++) sum += Math.exp(yPred[o + j] - max);
                double lse = max + Math.log(sum);
                for (int j = 0; j < cols; j++) l -= target(yTrue, b, j, cols) * (yPred[o + j] - lse);
            } else {
                double s = 0;
                for (int j = 0; j < cols; j++) s += yPred[o + j];
                for (int j = 0; j < cols; j++) {
                    float t = target(yTrue, b, j, cols);
                    if (t != 0) l -= t * Math.log(Losses.clip((float) (yPred[o + j] / s)));
                }
            }
            out[b] = l;
        }
    }

    @Override
    public void gradient(float[] yTrue, float[] yPred, int batch, int cols, float[] weights, float[] grad) {
        if (fromLogits) {
            float[] p = new float[cols];
            for (int b = 0; b < batch; b++) {
                int o = b * cols;
                dev.keel.kernels.Elementwise.softmax(java.util.Arrays.copyOfRange(yPred, o, o + cols), p, 1, cols);
                float w = Losses.weight(weights, b) / batch;
                float tsum = 0;
                for (int j = 0; j < cols; j++) tsum += target(yTrue, b, j, cols);
                for (int j = 0; j < cols; j++) grad[o + j] = w * (p[j] * tsum - target(yTrue, b, j, cols));
            }
            return;
        }
        // ℓ = −Σ t_j log clip(ŷ_j/S): dℓ/dŷ_k = −t_k/ŷ_k·[inside clip] + Σ_j t_j·[inside clip]/S.
        for (int b = 0; b < batch; b++) {
            int o = b * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) s += yPred[o + j];
            double common = 0;
            for (int j = 0; j < cols; j++) {
                double q = yPred[o + j] / s;
                if (q > Losses.EPSILON && q < 1 - Losses.EPSILON) common += target(yTrue, b, j, cols);
            }
            common /= s;
            float w = Losses.weight(weights, b) / batch;
            for (int j = 0; j < cols; j++) {
                double q = yPred[o + j] / s;
                double g = common;
                if (q > Losses.EPSILON && q < 1 - Losses.EPSILON) g -= target(yTrue, b, j, cols) / yPred[o + j];
                grad[o + j] = (float) (w * g);
            }
        }
    }

    @Override
    public boolean fusesWithSoftmax() {
        return !fromLogits;
    }

    @Override
    public void softmaxLogitGradient(float[] yTrue, float[] p, int batch, int cols, float[] weights, float[] dz) {
        for (int b = 0; b < batch; b++) {
            int o = b * cols;
            float w = Losses.weight(weights, b) / batch;
            float tsum = 0;
            for (int j = 0; j < cols; j++) tsum += target(yTrue, b, j, cols);
            for (int j = 0; j < cols; j++) dz[o + j] = w * (p[o + j] * tsum - target(yTrue, b, j, cols));
        }
    }
}
