package dev.keel.optimizers.schedules;

/** Keras's {@code ExponentialDecay}: {@code lr = initial·rate^(step/decaySteps)}, the exponent floored when staircase. */
public record ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
        implements LearningRateSchedule {
    public ExponentialDecay {
        if (decaySteps < 1) throw new IllegalArgumentException("decay_steps must be >= 1, got " + decaySteps);
        if (!(decayRate > 0)) throw new IllegalArgumentException("decay_rate must be > 0, got " + decayRate);
    }

    @Override
    public double at(long step) {
        double p = step / (double) decaySteps;
        if (staircase) p = Math.floor(p);
        return initialLearningRate * Math.pow(decayRate, p);
    }
}
