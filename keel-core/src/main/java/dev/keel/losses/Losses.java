package dev.keel.losses;

import java.util.Locale;

/** Looks up losses by Keras name and holds the shared clipping constant. */
public final class Losses {
    /** Keras's backend epsilon: probabilities are clipped to [ε, 1 − ε] before a log. */
    public static final float EPSILON = 1e-7f;

    private Losses() {}

    public static Loss of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "categorical_crossentropy" -> new CategoricalCrossentropy();
            case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossentropy();
            case "binary_crossentropy" -> new BinaryCrossentropy();
            case "mean_squared_error", "mse" -> new MeanSquaredError();
            case "mean_absolute_error", "mae" -> new MeanAbsoluteError();
            case "huber", "huber_loss" -> new Huber(1.0);
            default -> throw new IllegalArgumentException("Unknown loss '" + name + "'. Valid: categorical_crossentropy, "
                    + "sparse_categorical_crossentropy, binary_crossentropy, mean_squared_error (mse), "
                    + "mean_absolute_error (mae), huber");
        };
    }

    static float clip(float p) {
        return Math.min(Math.max(p, EPSILON), 1f - EPSILON);
    }

    static float weight(float[] weights, int b) {
        return weights == null ? 1f : weights[b];
    }
}
