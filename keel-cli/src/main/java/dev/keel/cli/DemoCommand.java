package dev.keel.cli;

import static dev.keel.activations.Activation.RELU;
import static dev.keel.activations.Activation.SOFTMAX;

import dev.keel.Tensor;
import dev.keel.Tensors;
import dev.keel.callbacks.History;
import dev.keel.io.datasets.FashionMnist;
import dev.keel.layers.core.Dense;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.models.Sequential;
import dev.keel.trainers.FitConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel demo}: the article's network on Fashion-MNIST, with a progress bar, a test score and a plot. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Trains the article's network on Fashion-MNIST: Dense(128, relu) → BatchNormalization → Dense(64, relu)",
                "→ BatchNormalization → Dense(10, softmax), Adam, categorical cross-entropy, and plots its learning curves.",
                "The 10,000 test images serve as validation data, so val_accuracy is the test accuracy after each epoch."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--epochs", description = "Epochs (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int epochs;

    @Option(names = "--batch-size", description = "Batch size (default: ${DEFAULT-VALUE}).", defaultValue = "32")
    int batchSize;

    @Option(names = "--no-batchnorm", description = "Drop the two BatchNormalization layers (for comparison).")
    boolean noBatchnorm;

    @Option(names = "--momentum", description = "BatchNormalization momentum (Keras default ${DEFAULT-VALUE}; the article's customisation uses 0.9).", defaultValue = "0.99")
    double momentum;

    @Option(names = "--epsilon", description = "BatchNormalization epsilon (Keras default ${DEFAULT-VALUE}; the article's customisation uses 1e-5).", defaultValue = "0.001")
    double epsilon;

    @Option(names = "--data", description = "Directory with the Fashion-MNIST IDX files (default: $KEEL_DATA or /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--limit", description = "Train on the first N training images only (quick runs).")
    Integer limit;

    @Option(names = "--seed", description = "Seed for weights and shuffling (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Option(names = "--plot", description = "PNG of the learning curves (default: ${DEFAULT-VALUE}).", defaultValue = "keel-out/demo-curves.png")
    Path plot;

    @Option(names = "--metrics-out", description = "Write the history and test figures as JSON.")
    Path metricsOut;


    @Option(names = "--progress", description = "Progress style: auto, bar, lines or none (default: ${DEFAULT-VALUE}).", defaultValue = "auto")
    String progress;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        System.out.println("Loading Fashion-MNIST from " + FashionMnist.locate(data) + " ...");
        FashionMnist.Data d = FashionMnist.load(data);
        if (limit != null) {
            if (limit < 1) throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
            d = d.head(limit, d.xTest().rows());
        }
        Tensor yTrain = Tensors.oneHot(d.yTrain(), 10), yTest = Tensors.oneHot(d.yTest(), 10);
        System.out.printf(Locale.ROOT, "%,d training and %,d test images of 28x28 pixels, scaled to [0, 1]%n%n", d.xTrain().rows(), d.xTest().rows());

        Sequential model = articleModel(!noBatchnorm, momentum, epsilon).seed(seed);
        model.compile("adam", "categorical_crossentropy", "accuracy");
        System.out.println(model.summary());

        long t0 = System.nanoTime();
        History h = model.fit(d.xTrain(), yTrain, FitConfig.builder().epochs(epochs).batchSize(batchSize)
                .validationData(d.xTest(), yTest).verbose(verbosity(progress)).build());
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> test = model.evaluate(d.xTest(), yTest, 1024);
        long steps = (long) h.get("loss").size() * ((d.xTrain().rows() + batchSize - 1) / batchSize);
        System.out.printf(Locale.ROOT, "%nTest accuracy: %.4f   test loss: %.4f   training time: %.1f s (%,.0f samples/s)%n",
                test.get("accuracy"), test.get("loss"), seconds, (double) h.get("loss").size() * d.xTrain().rows() / seconds);
        if (plot != null) {
            Curves.write(plot, noBatchnorm ? "without BatchNormalization" : "with BatchNormalization",
                    List.of(new Curves.Run(noBatchnorm ? "no BN" : "BN", h)));
            System.out.println("Learning curves: " + plot.toAbsolutePath());
        }
        if (metricsOut != null) {
            MetricsJson.write(metricsOut, h, test, seconds, Map.of("steps", steps, "batchnorm", !noBatchnorm));
            System.out.println("Metrics: " + metricsOut.toAbsolutePath());
        }
        return 0;
    }

    /** The article's model; without BN when {@code batchNorm} is false. */
    static Sequential articleModel(boolean batchNorm, double momentum, double epsilon) {
        return mlp(128, 64, batchNorm, momentum, epsilon);
    }

    /** Dense(w1, relu) → [BN] → Dense(w2, relu) → [BN] → Dense(10, softmax) on 784 inputs. */
    static Sequential mlp(int w1, int w2, boolean batchNorm, double momentum, double epsilon) {
        Sequential m = new Sequential(Dense.builder(w1).activation(RELU).inputDim(784).build());
        if (batchNorm) m.add(BatchNormalization.builder().momentum(momentum).epsilon(epsilon).build());
        m.add(new Dense(w2, RELU));
        if (batchNorm) m.add(BatchNormalization.builder().momentum(momentum).epsilon(epsilon).build());
        m.add(new Dense(10, SOFTMAX));
        return m;
    }

    static int verbosity(String progress) {
        return switch (progress) {
            case "auto" -> -1;
            case "bar" -> 1;
            case "lines" -> 2;
            case "none" -> 0;
            default -> throw new IllegalArgumentException("--progress must be auto, bar, lines or none, got " + progress);
        };
    }
}
