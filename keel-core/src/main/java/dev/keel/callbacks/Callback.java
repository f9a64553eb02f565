package dev.keel.callbacks;

import dev.keel.models.Sequential;
import java.util.Map;

/**
 * Hooks into {@code fit}, as Keras's callbacks. Every method has an empty default; {@code logs} maps names
 * ("loss", "accuracy", "val_loss", "learning_rate", …) to values. Set {@link Sequential#stopTraining(boolean)}
 * to end training after the current epoch.
 */
public interface Callback {
    default void setModel(Sequential model) {}

    default void onTrainBegin(Map<String, Double> logs) {}

    default void onTrainEnd(Map<String, Double> logs) {}

    default void onEpochBegin(int epoch, Map<String, Double> logs) {}

    default void onEpochEnd(int epoch, Map<String, Double> logs) {}

    default void onTrainBatchBegin(int batch, Map<String, Double> logs) {}

    default void onTrainBatchEnd(int batch, Map<String, Double> logs) {}
}
