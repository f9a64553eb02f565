package dev.keel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.Tensor;
import dev.keel.Tensors;
import dev.keel.io.datasets.FashionMnist;
import dev.keel.layers.core.Dense;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.models.Sequential;
import dev.keel.trainers.FitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The article's model on a short slice of the real data (CI installs Debian's dataset-fashion-mnist). */
class FashionMnistTest {
    @Test
    void articleModelLearnsFromAShortSliceOfFashionMnist() {
        assumeTrue(Files.exists(FashionMnist.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz")) || System.getenv("KEEL_DATA") != null,
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        FashionMnist.Data d = FashionMnist.load(null);
        assertEquals(60_000, d.xTrain().rows());
        assertEquals(10_000, d.xTest().rows());
        assertEquals(784, d.xTrain().cols());
        FashionMnist.Data s = d.head(6_000, 2_000);
        Tensor yTrain = Tensors.oneHot(s.yTrain(), 10), yTest = Tensors.oneHot(s.yTest(), 10);
        Sequential m = new Sequential(
                Dense.builder(128).activation("relu").inputDim(784).build(), new BatchNormalization(),
                Dense.builder(64).activation("relu").build(), new BatchNormalization(),
                Dense.builder(10).activation("softmax").build());
        m.compile("adam", "categorical_crossentropy", "accuracy");
        m.fit(s.xTrain(), yTrain, FitConfig.builder().epochs(2).batchSize(32).verbose(0).build());
        Map<String, Double> test = m.evaluate(s.xTest(), yTest);
        assertTrue(test.get("accuracy") > 0.78, "test accuracy after 2 short epochs: " + test.get("accuracy"));
    }

    @Test
    void missingDataExplainsHowToGetIt(@TempDir Path empty) {
        var e = assertThrows(DataFormatException.class, () -> FashionMnist.load(empty));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }
}
