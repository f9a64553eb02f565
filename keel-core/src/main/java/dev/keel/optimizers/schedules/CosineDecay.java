package dev.keel.optimizers.schedules;

/**
 * Keras's {@code CosineDecay} (without warmup): {@code lr = initial·((1 − α)·½(1 + cos(π·min(step, decaySteps)/decaySteps)) + α)}.
 */
public record CosineDecay(double initialLearningRate, long decaySteps, double alpha) implements LearningRateSchedule {
    public CosineDecay {
        if (decaySteps < 1) throw new IllegalArgumentException("decay_steps must be >= 1, got " + decaySteps);
    }

    @Override
    public double at(long step) {
        double p = Math.min(step, decaySteps) / (double) decaySteps;
        double cos = 0.5 * (1 + Math.cos(Math.PI * p));
        return initialLearningRate * ((1 - alpha) * cos + alpha);
    }
}
