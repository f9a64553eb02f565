package dev.keel.losses;

/** Keras's {@code mean_squared_error}: {@code ℓ = mean_j (ŷ_j − t_j)²}. */
public final class MeanSquaredError implements Loss {
    @Override
    public String name() {
        return "mean_squared_error";
    }

    @Override
    public void perSample(float[] yTrue, float[] yPred, int batch, int cols, double[] out) {
        for (int b = 0; b < batch; b++) {
            double l = 0;
            for (int j = 0; j < cols; j++) { double d = yPred[b * cols + j] - yTrue[b * cols + j]; l += d * d; }
            out[b] = l / cols;
        }
    }

    @Override
    public void gradient(float[] yTrue, float[] yPred, int batch, int cols, float[] weights, float[] grad) {
        for (int b = 0; b < batch; b++) {
            float w = 2f * Losses.weight(weights, b) / batch / cols;
            for (int j = 0; j < cols; j++) { int i = b * cols + j; grad[i] = w * (yPred[i] - yTrue[i]); }
        }
    }
}
