package dev.keel.optimizers.schedules;

/**
 * Keras's {@code PiecewiseConstantDecay}: {@code values[0]} while step ≤ boundaries[0], {@code values[i]}
 * while boundaries[i−1] &lt; step ≤ boundaries[i], the last value after.
 */
public record PiecewiseConstantDecay(long[] boundaries, double[] values) implements LearningRateSchedule {
    public PiecewiseConstantDecay {
        if (values.length != boundaries.length + 1) {
            throw new IllegalArgumentException("PiecewiseConstantDecay needs one more value than boundaries, got "
                    + boundaries.length + " boundaries and " + values.length + " values");
        }
        boundaries = boundaries.clone();
        values = values.clone();
    }

    @Override
    public double at(long step) {
        for (int i = 0; i < boundaries.length; i++) if (step <= boundaries[i]) return values[i];
        return values[values.length - 1];
    }
}
