package dev.keel.callbacks;

import static dev.keel.activations.Activation.SOFTMAX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.Tensor;
import dev.keel.layers.core.Dense;
import dev.keel.layers.core.InputLayer;
import dev.keel.models.Sequential;
import dev.keel.optimizers.SGD;
import dev.keel.trainers.FitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbacksTest {
    private static Tensor[] tiny() {
        float[] x = new float[60 * 2], y = new float[60];
        for (int i = 0; i < 60; i++) { x[2 * i] = i % 2; x[2 * i + 1] = (i / 2) % 2; y[i] = i % 2; }
        return new Tensor[] {Tensor.of(x, 60, 2), Tensor.of(y, 60)};
    }

    private static Sequential model(double lr) {
        Sequential m = new Sequential(new InputLayer(2), new Dense(2, SOFTMAX));
        m.compile(new SGD(lr), "sparse_categorical_crossentropy", "accuracy");
        return m;
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndRestoresBestWeights() {
        Tensor[] d = tiny();
        Sequential m = model(1e-9);   // no progress: loss flat
        EarlyStopping es = new EarlyStopping("loss", 0.1, 2, "min", true);
        History h = m.fit(d[0], d[1], FitConfig.builder().epochs(20).verbose(0).callbacks(es).build());
        assertEquals(3, h.get("loss").size(), "first epoch sets best, two more without improvement");
        assertEquals(2, es.stoppedEpoch());
    }

    @Test
    void csvLoggerWritesOneRowPerEpoch(@TempDir Path dir) throws Exception {
        Tensor[] d = tiny();
        Path f = dir.resolve("log.csv");
        model(0.5).fit(d[0], d[1], FitConfig.builder().epochs(3).verbose(0).callbacks(new CSVLogger(f)).build());
        List<String> lines = Files.readAllLines(f);
        assertEquals("epoch,accuracy,loss", lines.get(0));
        assertEquals(4, lines.size());
        assertTrue(lines.get(3).startsWith("2,"));
    }

    @Test
    void reduceLrOnPlateauLowersTheRate() {
        Tensor[] d = tiny();
        Sequential m = model(1e-9);
        m.fit(d[0], d[1], FitConfig.builder().epochs(4).verbose(0).callbacks(new ReduceLROnPlateau("loss", 0.5, 1)).build());
        assertTrue(m.optimizer().currentLearningRate() < 1e-9);
    }

    @Test
    void learningRateSchedulerAndCustomCallbacksSeeEveryEpoch() {
        Tensor[] d = tiny();
        Sequential m = model(0.1);
        int[] epochs = {0};
        Callback counter = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                epochs[0]++;
                assertTrue(logs.containsKey("loss"));
            }
        };
        m.fit(d[0], d[1], FitConfig.builder().epochs(3).verbose(0)
                .callbacks(new LearningRateScheduler((e, lr) -> 0.1 / (e + 1)), counter).build());
        assertEquals(3, epochs[0]);
        assertEquals(0.1 / 3, m.optimizer().currentLearningRate(), 1e-12);
    }

    @Test
    void progressOutputFollowsKerasLayout() {
        Tensor[] d = tiny();
        Sequential m = model(0.5);
        var buf = new java.io.ByteArrayOutputStream();
        new dev.keel.trainers.Trainer(m).output(new java.io.PrintStream(buf))
                .fit(d[0], d[1], FitConfig.builder().epochs(2).batchSize(32).verbose(2).build());
        String out = buf.toString();
        assertTrue(out.contains("Epoch 1/2"), out);
        assertTrue(out.matches("(?s).*2/2 - \\d+s - \\d+(us|ms|s)/step - accuracy: \\d\\.\\d{4} - loss: \\d\\.\\d{4}.*"), out);
    }
}
