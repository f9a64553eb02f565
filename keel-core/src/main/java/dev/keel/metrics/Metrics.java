package dev.keel.metrics;

import dev.keel.losses.BinaryCrossentropy;
import dev.keel.losses.Loss;
import java.util.Locale;

/** Looks up metrics by Keras name; "accuracy" is resolved from the loss, as Keras does. */
public final class Metrics {
    private Metrics() {}

    public static Metric of(String name, Loss loss) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "accuracy", "acc" -> loss instanceof BinaryCrossentropy
                    ? new BinaryAccuracy("accuracy", 0.5) : new CategoricalAccuracy("accuracy");
            case "categorical_accuracy" -> new CategoricalAccuracy("categorical_accuracy");
            case "sparse_categorical_accuracy" -> new CategoricalAccuracy("sparse_categorical_accuracy");
            case "binary_accuracy" -> new BinaryAccuracy("binary_accuracy", 0.5);
            case "top_k_categorical_accuracy" -> new TopKCategoricalAccuracy(5);
            case "mse", "mean_squared_error" -> RegressionError.mse();
            case "mae", "mean_absolute_error" -> RegressionError.mae();
            default -> throw new IllegalArgumentException("Unknown metric '" + name + "'. Valid: accuracy, categorical_accuracy, "
                    + "sparse_categorical_accuracy, binary_accuracy, top_k_categorical_accuracy, mse, mae");
        };
    }
}
