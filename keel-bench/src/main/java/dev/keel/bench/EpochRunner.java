package dev.keel.bench;

import static dev.keel.activations.Activation.RELU;
import static dev.keel.activations.Activation.SOFTMAX;

import dev.keel.Tensor;
import dev.keel.kernels.Parallel;
import dev.keel.layers.core.Dense;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.models.Sequential;
import dev.keel.trainers.FitConfig;

/**
 * The article's model (784-128-BN-64-BN-10, Adam) trained one epoch per call, or run over the data in inference. {@link VersionPair} loads this class
 * once per Keel version, each in its own class loader, so that the same source runs against either version's
 * classes. It uses only API that every version has had.
 */
public final class EpochRunner {
    private final Sequential model;
    private final Tensor x, y;
    private final int batch;

    public EpochRunner(float[] xs, float[] ys, int samples, int batch) {
        model = articleModel();
        x = Tensor.of(xs, samples, 784);
        y = Tensor.of(ys, samples, 10);
        this.batch = batch;
    }

    /** One epoch on {@code threads} kernel threads; returns its wall time in nanoseconds. */
    public long epoch(int threads) {
        Parallel.setThreads(threads);
        long t0 = System.nanoTime();
        model.fit(x, y, FitConfig.builder().epochs(1).batchSize(batch).verbose(0).build());
        return System.nanoTime() - t0;
    }

    /** One inference pass over every sample ({@code predict} at the batch size) on {@code threads} threads; nanoseconds. */
    public long predict(int threads) {
        Parallel.setThreads(threads);
        long t0 = System.nanoTime();
        model.predict(x, batch);
        return System.nanoTime() - t0;
    }

    /** The article's model, compiled with Adam and categorical cross-entropy (keel-cli's DemoCommand builds the same). */
    static Sequential articleModel() {
        Sequential model = new Sequential(Dense.builder(128).activation(RELU).inputDim(784).build());
        model.add(BatchNormalization.builder().build());
        model.add(new Dense(64, RELU));
        model.add(BatchNormalization.builder().build());
        model.add(new Dense(10, SOFTMAX));
        model.compile("adam", "categorical_crossentropy", "accuracy");
        return model;
    }
}
