package dev.keel.trainers;

import dev.keel.Tensor;
import dev.keel.callbacks.Callback;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The arguments of Keras's {@code fit}, with its defaults: {@code epochs=1, batch_size=32, verbose="auto",
 * validation_split=0, validation_data=null, shuffle=true, class_weight=null, sample_weight=null,
 * initial_epoch=0, callbacks=[]}. Example: {@code FitConfig.builder().epochs(10).batchSize(32).build()}.
 *
 * @param verbose 0 silent, 1 progress bar, 2 one line per epoch, -1 auto (1 on a terminal, else 2)
 * @param seed    the shuffling seed; null uses the model's seed
 */
public record FitConfig(int epochs, int batchSize, int verbose, double validationSplit, Tensor validationX,
                        Tensor validationY, boolean shuffle, Map<Integer, Double> classWeight, float[] sampleWeight,
                        int initialEpoch, List<Callback> callbacks, Long seed) {
    public FitConfig {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
        if (verbose < -1 || verbose > 2) throw new IllegalArgumentException("verbose must be 0, 1, 2 or -1 (auto), got " + verbose);
        if (!(validationSplit >= 0 && validationSplit < 1)) throw new IllegalArgumentException("validation_split must be in [0, 1), got " + validationSplit);
        if ((validationX == null) != (validationY == null)) throw new IllegalArgumentException("validation_data needs both x and y");
        if (validationX != null && validationSplit > 0) throw new IllegalArgumentException("give validation_data or validation_split, not both");
        if (initialEpoch < 0 || initialEpoch >= epochs) throw new IllegalArgumentException("initial_epoch must be in [0, epochs), got " + initialEpoch);
        callbacks = List.copyOf(callbacks);
        classWeight = classWeight == null ? null : Map.copyOf(classWeight);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Keras's defaults with the given epochs and batch size. */
    public static FitConfig of(int epochs, int batchSize) {
        return builder().epochs(epochs).batchSize(batchSize).build();
    }

    public static final class Builder {
        private int epochs = 1;
        private int batchSize = 32;
        private int verbose = -1;
        private double validationSplit;
        private Tensor validationX;
        private Tensor validationY;
        private boolean shuffle = true;
        private Map<Integer, Double> classWeight;
        private float[] sampleWeight;
        private int initialEpoch;
        private final List<Callback> callbacks = new ArrayList<>();
        private Long seed;

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder verbose(int v) { verbose = v; return this; }
        public Builder validationSplit(double v) { validationSplit = v; return this; }
        public Builder validationData(Tensor x, Tensor y) { validationX = x; validationY = y; return this; }
        public Builder shuffle(boolean v) { shuffle = v; return this; }
        public Builder classWeight(Map<Integer, Double> v) { classWeight = v; return this; }
        public Builder sampleWeight(float[] v) { sampleWeight = v; return this; }
        public Builder initialEpoch(int v) { initialEpoch = v; return this; }
        public Builder callbacks(Callback... v) { callbacks.addAll(List.of(v)); return this; }
        public Builder seed(long v) { seed = v; return this; }

        public FitConfig build() {
            return new FitConfig(epochs, batchSize, verbose, validationSplit, validationX, validationY, shuffle,
                    classWeight, sampleWeight, initialEpoch, callbacks, seed);
        }
    }
}
