package dev.keel.metrics;

/** Keras's {@code mean_squared_error} ("mse") and {@code mean_absolute_error} ("mae") metrics. */
public final class RegressionError extends MeanMetric {
    private final boolean squared;

    private RegressionError(String name, boolean squared) {
        super(name);
        this.squared = squared;
    }

    public static RegressionError mse() {
        return new RegressionError("mse", true);
    }

    public static RegressionError mae() {
        return new RegressionError("mae", false);
    }

    @Override
    protected double sampleValue(float[] yTrue, float[] yPred, int b, int cols, boolean sparse) {
        double s = 0;
        for (int j = 0; j < cols; j++) {
            double d = yPred[b * cols + j] - yTrue[b * cols + j];
            s += squared ? d * d : Math.abs(d);
        }
        return s / cols;
    }
}
