package dev.keel.losses;

/**
 * Keras's {@code huber} loss with threshold δ (default 1):
 * {@code ℓ = mean_j (½d² if |d| ≤ δ else δ·|d| − ½δ²)}, d = ŷ − t.
 */
public final class Huber implements Loss {
    private final double delta;

    public Huber(double delta) {
        if (!(delta > 0)) throw new IllegalArgumentException("Huber delta must be > 0, got " + delta);
        this.delta = delta;
    }

    @Override
    public String name() {
        return "huber";
    }

    @Override
    public void perSample(float[] yTrue, float[] yPred, int batch, int cols, double[] out) {
        for (int b = 0; b < batch; b++) {
            double l = 0;
            for (int j = 0; j < cols; j++) {
                double d = Math.abs(yPred[b * cols + j] - yTrue[b * cols + j]);
                l += d <= delta ? 0.5 * d * d : delta * d - 0.5 * delta * delta;
            }
            out[b] = l / cols;
        }
    }

    @Override
    public void gradient(float[] yTrue, float[] yPred, int batch, int cols, float[] weights, float[] grad) {
        for (int b = 0; b < batch; b++) {
            double w = Losses.weight(weights, b) / (double) batch / cols;
            for (int j = 0; j < cols; j++) {
                int i = b * cols + j;
                double d = yPred[i] - yTrue[i];
                grad[i] = (float) (w * (Math.abs(d) <= delta ? d : delta * Math.signum(d)));
            }
        }
    }
}
