package dev.keel.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.Tensor;
import dev.keel.activations.Activation;
import dev.keel.callbacks.ModelCheckpoint;
import dev.keel.layers.core.Dense;
import dev.keel.layers.core.InputLayer;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.models.Sequential;
import dev.keel.trainers.FitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsFileTest {
    static Sequential model(long seed) {
        return new Sequential(new InputLayer(4), new Dense(6, Activation.RELU), new BatchNormalization(),
                new Dense(3, Activation.SOFTMAX)).seed(seed);
    }

    static Tensor[] data() {
        float[] x = new float[40 * 4], y = new float[40];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.7);
        for (int i = 0; i < 40; i++) y[i] = i % 3;
        return new Tensor[] {Tensor.of(x, 40, 4), Tensor.of(y, 40)};
    }

    @Test
    void savedWeightsReloadToBitIdenticalPredictions(@TempDir Path dir) throws Exception {
        Tensor[] d = data();
        Sequential a = model(1);
        a.compile("adam", "sparse_categorical_crossentropy");
        a.fit(d[0], d[1], FitConfig.builder().epochs(3).batchSize(8).verbose(0).build());
        Path f = dir.resolve("w.npz");
        WeightsFile.save(a, f);
        Sequential b = model(2);
        b.build(4);
        WeightsFile.load(b, f);
        assertArrayEquals(a.predict(d[0]).data(), b.predict(d[0]).data());
        assertTrue(Npz.read(f).containsKey("batch_normalization/moving_variance"));
    }

    @Test
    void mismatchedModelIsRefusedWithTheWeightName(@TempDir Path dir) throws Exception {
        Sequential a = model(1);
        a.build(4);
        Path f = dir.resolve("w.npz");
        WeightsFile.save(a, f);
        Sequential other = new Sequential(new InputLayer(4), new Dense(7, Activation.RELU), new BatchNormalization(),
                new Dense(3, Activation.SOFTMAX));
        other.build(4);
        var e = assertThrows(DataFormatException.class, () -> WeightsFile.load(other, f));
        assertTrue(e.getMessage().contains("dense/kernel"), e.getMessage());
    }

    @Test
    void checkpointKeepsOnlyTheBestEpochAndLeavesNoTempFiles(@TempDir Path dir) throws Exception {
        Tensor[] d = data();
        Sequential m = model(3);
        m.compile("adam", "sparse_categorical_crossentropy");
        Path f = dir.resolve("best.npz");
        m.fit(d[0], d[1], FitConfig.builder().epochs(4).batchSize(8).verbose(0).validationSplit(0.25)
                .callbacks(new ModelCheckpoint(f, WeightsFile::save, "val_loss", true, "auto")).build());
        assertTrue(Files.exists(f));
        try (var files = Files.list(dir)) {
            assertTrue(files.allMatch(p -> p.getFileName().toString().equals("best.npz")), "no temp files left behind");
        }
    }
}
