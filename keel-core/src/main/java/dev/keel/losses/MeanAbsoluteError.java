package dev.keel.losses;

/** Keras's {@code mean_absolute_error}: {@code ℓ = mean_j |ŷ_j − t_j|} (gradient sign(ŷ − t), 0 at ties). */
public final class MeanAbsoluteError implements Loss {
    @Override
    public String name() {
        return "mean_absolute_error";
    }

    @Override
    public void perSample(float[] yTrue, float[] yPred, int batch, int cols, double[] out) {
        for (int b = 0; b < batch; b++) {
            double l = 0;
            for (int j = 0; j < cols; j++) l += Math.abs(yPred[b * cols + j] - yTrue[b * cols + j]);
            out[b] = l / cols;
        }
    }

    @Override
    public void gradient(float[] yTrue, float[] yPred, int batch, int cols, float[] weights, float[] grad) {
        for (int b = 0; b < batch; b++) {
            float w = Losses.weight(weights, b) / batch / cols;
            for (int j = 0; j < cols; j++) { int i = b * cols + j; grad[i] = w * Math.signum(yPred[i] - yTrue[i]); }
        }
    }
}
