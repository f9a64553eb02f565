package dev.keel.callbacks;

import dev.keel.models.Sequential;
import java.util.Map;
import java.util.function.BiFunction;

/** Keras's LearningRateScheduler: at the start of each epoch, lr = schedule(epoch, current lr). */
public final class LearningRateScheduler implements Callback {
    private final BiFunction<Integer, Double, Double> schedule;
    private Sequential model;

    public LearningRateScheduler(BiFunction<Integer, Double, Double> schedule) {
        this.schedule = schedule;
    }

    @Override
    public void setModel(Sequential model) {
        this.model = model;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        model.optimizer().setLearningRate(schedule.apply(epoch, model.optimizer().currentLearningRate()));
    }
}
