package dev.keel.models;

import static dev.keel.activations.Activation.RELU;
import static dev.keel.activations.Activation.SOFTMAX;
import static dev.keel.testing.Fixtures.assertClose;
import static dev.keel.testing.Fixtures.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.Tensor;
import dev.keel.Tensors;
import dev.keel.callbacks.History;
import dev.keel.kernels.Parallel;
import dev.keel.layers.NonFiniteException;
import dev.keel.layers.core.Dense;
import dev.keel.layers.core.InputLayer;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.optimizers.Adam;
import dev.keel.optimizers.Optimizer;
import dev.keel.optimizers.SGD;
import dev.keel.testing.Fixtures;
import dev.keel.trainers.FitConfig;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SequentialTest {
    static Sequential articleModel() {
        return new Sequential(
                Dense.builder(128).activation(RELU).inputDim(784).build(),
                new BatchNormalization(),
                new Dense(64, RELU),
                new BatchNormalization(),
                new Dense(10, SOFTMAX));
    }

    /** A learnable synthetic problem: the class is the argmax of a fixed random projection. */
    static Tensor[] data(int n, int features, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] proj = new float[features * classes];
        for (int i = 0; i < proj.length; i++) proj[i] = (float) r.nextGaussian();
        float[] x = new float[n * features], y = new float[n];
        for (int i = 0; i < n; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int f = 0; f < features; f++) x[i * features + f] = (float) r.nextGaussian();
            for (int c = 0; c < classes; c++) {
                double s = 0;
                for (int f = 0; f < features; f++) s += x[i * features + f] * proj[f * classes + c];
                if (s > best) { best = s; y[i] = c; }
            }
        }
        return new Tensor[] {Tensor.of(x, n, features), Tensor.of(y, n)};
    }

    @Test
    void summaryCountsParametersAsKeras() {
        Sequential m = articleModel();
        assertEquals(110_154, m.countParams());
        assertEquals(109_770, m.countTrainableParams());
        String s = m.summary();
        assertTrue(s.contains("Total params: 110,154"), s);
        assertTrue(s.contains("Trainable params: 109,770"), s);
        assertTrue(s.contains("Non-trainable params: 384"), s);
        assertTrue(s.contains("batch_normalization_1 (BatchNormalization)"), s);
        assertTrue(s.contains("(None, 64)"), s);
    }

    @Test
    void trainingMatchesTensorFlowJsEndToEnd() {
        JsonNode f = Fixtures.load("end_to_end.json");
        int n = f.get("n").asInt(), in = f.get("in").asInt(), hidden = f.get("hidden").asInt(), classes = f.get("classes").asInt();
        Tensor x = Tensor.of(floats(f.get("x")), n, in), y = Tensor.of(floats(f.get("y")), n, classes);
        for (String name : List.of("sgd", "adam")) {
            JsonNode c = f.get("cases").get(name);
            Sequential m = new Sequential(new InputLayer(in), new Dense(hidden, RELU),
                    BatchNormalization.builder().momentum(f.get("bn_momentum").asDouble()).epsilon(f.get("bn_epsilon").asDouble()).build(),
                    new Dense(classes, SOFTMAX));
            m.layers().get(0).weight("kernel").set(floats(f.get("kernel1")));
            m.layers().get(0).weight("bias").set(floats(f.get("bias1")));
            m.layers().get(2).weight("kernel").set(floats(f.get("kernel2")));
            m.layers().get(2).weight("bias").set(floats(f.get("bias2")));
            double lr = c.get("learning_rate").asDouble();
            Optimizer opt = name.equals("sgd") ? new SGD(lr) : new Adam(new Optimizer.Common(lr), 0.9, 0.999, 1e-10, false);
            m.compile(opt, "categorical_crossentropy", "accuracy");
            History h = m.fit(x, y, FitConfig.builder().epochs(f.get("epochs").asInt()).batchSize(f.get("batch_size").asInt())
                    .shuffle(false).verbose(0).build());
            float[] losses = new float[h.get("loss").size()];
            for (int i = 0; i < losses.length; i++) losses[i] = h.get("loss").get(i).floatValue();
            assertClose(floats(c.get("loss")), losses, 1e-4, 1e-6, name + " loss per epoch");
            float[][] w = m.getWeights();
            JsonNode ref = c.get("weights");
            assertEquals(ref.size(), w.length, "weight count");
            for (int i = 0; i < w.length; i++) assertClose(floats(ref.get(i)), w[i], 1e-4, 2e-6, name + " weight " + i);
            assertClose(floats(c.get("predictions")), m.predict(x).data(), 1e-4, 1e-6, name + " predictions");
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsAndHistoryForAnyThreadCount() {
        Tensor[] d = data(700, 40, 5, 1);
        int saved = Parallel.threads();
        try {
            float[][][] weights = new float[3][][];
            List<?>[] histories = new List<?>[3];
            int[] threads = {2, 2, 1};
            for (int run = 0; run < 3; run++) {
                Parallel.setThreads(threads[run]);
                Sequential m = new Sequential(new InputLayer(40), new Dense(96, RELU), new BatchNormalization(),
                        new dev.keel.layers.regularization.Dropout(0.2), new Dense(5, SOFTMAX)).seed(7);
                m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
                histories[run] = m.fit(d[0], d[1], FitConfig.builder().epochs(2).batchSize(64).verbose(0).build()).get("loss");
                weights[run] = m.getWeights();
            }
            for (int run = 1; run < 3; run++) {
                assertEquals(histories[0], histories[run], "history of run " + run);
                for (int i = 0; i < weights[0].length; i++) assertArrayEquals(weights[0][i], weights[run][i], "weight " + i + " of run " + run);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void learnsASimpleProblemAndReportsValidation() {
        Tensor[] d = data(2000, 20, 4, 3);
        Sequential m = new Sequential(new InputLayer(20), new Dense(64, RELU), new BatchNormalization(), new Dense(4, SOFTMAX));
        m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        History h = m.fit(d[0], d[1], FitConfig.builder().epochs(5).batchSize(32).validationSplit(0.2).verbose(0).build());
        assertEquals(List.of("accuracy", "loss", "val_accuracy", "val_loss"), List.copyOf(h.history().keySet()));
        assertTrue(h.last("val_accuracy") > 0.85, "val_accuracy " + h.last("val_accuracy"));
        assertTrue(h.get("loss").get(4) < h.get("loss").get(0));
        Map<String, Double> ev = m.evaluate(d[0], d[1]);
        assertTrue(ev.get("accuracy") > 0.85);
    }

    @Test
    void predictIsSafeFromManyThreadsAtOnce() throws Exception {
        Tensor[] d = data(500, 30, 3, 4);
        Sequential m = new Sequential(new InputLayer(30), new Dense(32, RELU), new BatchNormalization(), new Dense(3, SOFTMAX));
        m.compile("adam", "sparse_categorical_crossentropy");
        m.fit(d[0], d[1], FitConfig.builder().epochs(1).verbose(0).build());
        float[] expected = m.predict(d[0], 50).data();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int bs = 1 + t * 7;
                results.add(pool.submit(() -> m.predict(d[0], bs).data()));
            }
            for (Future<float[]> r : results) assertArrayEquals(expected, r.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void badInputGetsClearErrors() {
        Tensor[] d = data(100, 10, 3, 5);
        Sequential m = new Sequential(new InputLayer(10), new Dense(3, SOFTMAX));
        var notCompiled = assertThrows(IllegalStateException.class, () -> m.fit(d[0], d[1], 1, 32));
        assertTrue(notCompiled.getMessage().contains("compile"), notCompiled.getMessage());
        m.compile("adam", "sparse_categorical_crossentropy", "accuracy");

        assertMessage(IllegalArgumentException.class, "samples but x has", () -> m.fit(d[0], d[1].slice(0, 50), 1, 32));
        assertMessage(IllegalArgumentException.class, "expects (None, 10)", () -> m.fit(data(100, 12, 3, 1)[0], d[1], 1, 32));
        float[] bad = d[1].data().clone();
        bad[17] = 3;
        assertMessage(IllegalArgumentException.class, "y[17] = 3.0 is not a class index in [0, 3)", () -> m.fit(d[0], Tensor.of(bad, 100), 1, 32));
        float[] nan = d[0].data().clone();
        nan[55] = Float.NaN;
        assertMessage(NonFiniteException.class, "sample 5", () -> m.fit(Tensor.of(nan, 100, 10), d[1], 1, 32));
        assertMessage(IllegalArgumentException.class, "epochs must be >= 1", () -> m.fit(d[0], d[1], 0, 32));
        assertMessage(IllegalArgumentException.class, "batch_size must be >= 1", () -> m.fit(d[0], d[1], 1, 0));

        Sequential oneHot = new Sequential(new InputLayer(10), new Dense(3, SOFTMAX));
        oneHot.compile("adam", "categorical_crossentropy");
        assertMessage(IllegalArgumentException.class, "one-hot encode", () -> oneHot.fit(d[0], d[1], 1, 32));
        assertMessage(IllegalArgumentException.class, "outputs 3", () -> oneHot.fit(d[0], Tensors.oneHot(d[1], 4), 1, 32));
        assertMessage(IllegalArgumentException.class, "Valid: adam", () -> oneHot.compile("adamm", "mse"));
        assertMessage(IllegalArgumentException.class, "Valid:", () -> oneHot.compile("adam", "mse", "acuracy"));
    }

    @Test
    void predictRejectsNonFiniteInputNamingTheSampleEvenInALaterBatch() {
        Tensor[] d = data(100, 10, 3, 5);
        Sequential m = new Sequential(new InputLayer(10), new Dense(3, SOFTMAX));
        m.compile("adam", "sparse_categorical_crossentropy");
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            float[] x = d[0].data().clone();
            x[70 * 10 + 4] = bad;
            assertMessage(NonFiniteException.class, "contains " + bad + " at sample 70, value 4", () -> m.predict(Tensor.of(x, 100, 10), 32));
        }
        assertEquals(100, m.predict(d[0], 32).rows());
    }

    private static void assertMessage(Class<? extends Throwable> type, String fragment, org.junit.jupiter.api.function.Executable ex) {
        Throwable e = assertThrows(type, ex);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    @Test
    void divergingTrainingStopsAndIsReported() {
        Tensor[] d = data(400, 10, 3, 6);
        float[] x = d[0].data().clone();
        for (int i = 0; i < x.length; i++) x[i] *= 1e3f;
        Sequential m = new Sequential(new InputLayer(10), new Dense(32, RELU), new Dense(3, SOFTMAX));
        m.compile(new SGD(1e4), "sparse_categorical_crossentropy");
        var err = new java.io.ByteArrayOutputStream();
        var old = System.err;
        History h;
        try {
            System.setErr(new java.io.PrintStream(err));
            h = m.fit(Tensor.of(x, 400, 10), d[1], FitConfig.builder().epochs(5).verbose(0).build());
        } finally {
            System.setErr(old);
        }
        assertTrue(err.toString().contains("training diverged"), err.toString());
        assertEquals(1, h.get("loss").size(), "stopped in the first epoch");
        assertFalse(Double.isFinite(h.last("loss")));
    }

    @Test
    void emptyAndInvalidModelsAreRejected() {
        assertThrows(IllegalStateException.class, () -> new Sequential().build(3));
        assertThrows(IllegalArgumentException.class, () -> new Sequential(new Dense(3), new InputLayer(4)));
        Dense shared = new Dense(3);
        assertThrows(IllegalArgumentException.class, () -> new Sequential(shared, shared));
    }
}
