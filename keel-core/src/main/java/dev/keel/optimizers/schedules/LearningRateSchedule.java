package dev.keel.optimizers.schedules;

/** A learning rate as a function of the optimizer's step count (0 on the first update), as Keras's schedules. */
@FunctionalInterface
public interface LearningRateSchedule {
    double at(long step);
}
