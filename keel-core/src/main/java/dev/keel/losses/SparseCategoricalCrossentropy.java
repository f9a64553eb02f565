package dev.keel.losses;

/**
 * Keras's {@code sparse_categorical_crossentropy}: categorical cross-entropy with integer class targets
 * {@code yTrue[B]} (each in [0, C)) instead of one-hot rows.
 */
public final class SparseCategoricalCrossentropy extends CategoricalCrossentropy {
    public SparseCategoricalCrossentropy() {
        this(false);
    }

    public SparseCategoricalCrossentropy(boolean fromLogits) {
        super(fromLogits, 0.0);
    }

    @Override
    public String name() {
        return "sparse_categorical_crossentropy";
    }

    @Override
    public boolean sparseTargets() {
        return true;
    }

    @Override
    protected float target(float[] yTrue, int b, int j, int cols) {
        return (int) yTrue[b] == j ? 1f : 0f;
    }
}
