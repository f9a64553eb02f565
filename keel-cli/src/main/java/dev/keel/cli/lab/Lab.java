package dev.keel.cli.lab;

import dev.keel.Tensor;
import dev.keel.Tensors;
import dev.keel.activations.Activation;
import dev.keel.callbacks.History;
import dev.keel.initializers.Initializer;
import dev.keel.io.datasets.FashionMnist;
import dev.keel.layers.Layer;
import dev.keel.layers.core.Dense;
import dev.keel.layers.core.InputLayer;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.layers.normalization.LayerNormalization;
import dev.keel.models.Sequential;
import dev.keel.optimizers.Optimizer;
import dev.keel.trainers.FitConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What every experiment shares: the data, the budget (quick or full), the seeds, the output directory. */
final class Lab {
    enum Norm { BN, LN, NONE;
        String label() { return switch (this) { case BN -> "BN"; case LN -> "LayerNorm"; default -> "no norm"; }; }
    }

    final FashionMnist.Data data;
    final boolean quick;
    final int seeds;
    final Path out;
    final PrintStream log;

    Lab(FashionMnist.Data data, boolean quick, int seeds, Path out, PrintStream log) {
        this.data = data;
        this.quick = quick;
        this.seeds = seeds;
        this.out = out;
        this.log = log;
    }

    /** The first n training images (all when n is larger), labels one-hot. */
    Tensor[] train(int n) {
        int m = Math.min(n, data.xTrain().rows());
        return new Tensor[] {data.xTrain().slice(0, m), Tensors.oneHot(data.yTrain().slice(0, m), 10)};
    }

    Tensor[] test(int n) {
        int m = Math.min(n, data.xTest().rows());
        return new Tensor[] {data.xTest().slice(0, m), Tensors.oneHot(data.yTest().slice(0, m), 10)};
    }

    /** A stack of Dense layers, each followed by the chosen normalization, then a softmax output. */
    static Sequential mlp(int[] widths, Activation act, Norm norm, Initializer init, long seed) {
        List<Layer> layers = new ArrayList<>();
        layers.add(new InputLayer(784));
        for (int w : widths) {
            Dense.Builder d = Dense.builder(w).activation(act);
            if (init != null) d.kernelInitializer(init);
            layers.add(d.build());
            if (norm == Norm.BN) layers.add(new BatchNormalization());
            if (norm == Norm.LN) layers.add(new LayerNormalization());
        }
        Dense.Builder outLayer = Dense.builder(10).activation(Activation.SOFTMAX);
        if (init != null) outLayer.kernelInitializer(init);
        layers.add(outLayer.build());
        return new Sequential(layers).seed(seed);
    }

    /** The article's model: 128-64 relu with or without BN after each hidden layer. */
    static Sequential article(boolean bn, long seed) {
        return mlp(new int[] {128, 64}, Activation.RELU, bn ? Norm.BN : Norm.NONE, null, seed);
    }

    static History fit(Sequential m, Optimizer opt, Tensor[] train, Tensor[] val, int epochs, int batch, boolean shuffle, long seed) {
        m.compile(opt, "categorical_crossentropy", "accuracy");
        FitConfig.Builder f = FitConfig.builder().epochs(epochs).batchSize(batch).shuffle(shuffle).verbose(0).seed(seed);
        if (val != null) f.validationData(val[0], val[1]);
        return m.fit(train[0], train[1], f.build());
    }

    static double accuracy(Sequential m, Tensor[] test) {
        Map<String, Double> r = m.evaluate(test[0], test[1], 1000);
        return r.get("accuracy");
    }

    void progress(String what) {
        log.println("  " + what);
        log.flush();
    }
}
