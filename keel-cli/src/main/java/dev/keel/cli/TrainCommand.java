package dev.keel.cli;

import dev.keel.Tensor;
import dev.keel.activations.Activation;
import dev.keel.callbacks.History;
import dev.keel.io.Npy;
import dev.keel.io.WeightsFile;
import dev.keel.io.models.ModelFiles;
import dev.keel.layers.Layer;
import dev.keel.layers.SoftmaxHead;
import dev.keel.layers.core.InputLayer;
import dev.keel.layers.preprocessing.Normalization;
import dev.keel.losses.Loss;
import dev.keel.losses.Losses;
import dev.keel.models.Sequential;
import dev.keel.trainers.FitConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel train}: a model given as a layer list, trained on NPY, CSV or IDX data. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a model described by --layers on your data.",
                "Example: keel train --csv iris.csv --label species --normalize standardize \\",
                "           --layers \"dense(16,relu), batchnorm, dense(3,softmax)\" --epochs 50 --validation-split 0.2"})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--layers", description = "Layers, e.g. \"dense(128,relu), batchnorm(momentum=0.9,epsilon=1e-5), dense(10,softmax)\".")
    String layers;

    @Option(names = "--model", description = "Continue from a saved model (.keras, Keras 2 .h5, or TF.js model.json/directory) instead of --layers. "
            + "A compiled .keras keeps its optimizer and its state unless --optimizer is given.")
    Path modelFile;

    @Option(names = "--save", description = "Save the trained model, written atomically: FILE.keras (Keras 3 format, with the optimizer state) "
            + "or a directory / model.json (TF.js layers format).")
    Path save;

    @Mixin
    DataOptions data;

    @Option(names = "--val-x", description = "Validation features (.npy).")
    Path valX;

    @Option(names = "--val-y", description = "Validation targets (.npy).")
    Path valY;

    @Option(names = "--validation-split", description = "Fraction of the training data held out for validation (the last part, as Keras).", defaultValue = "0")
    double validationSplit;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--optimizer", description = "A Keras name or call: adam, sgd(learning_rate=0.05, momentum=0.9, nesterov=true), rmsprop(rho=0.9), … "
            + "(default: adam, or the saved model's own optimizer).")
    String optimizer;

    @Option(names = "--learning-rate", description = "Shortcut for the optimizer's learning_rate.")
    Double learningRate;

    @Option(names = "--loss", description = "A Keras loss name (default: chosen from the targets and the output layer).")
    String loss;

    @Option(names = "--normalize", defaultValue = "none", description = "Input normalization adapted on the training set and kept in the model: standardize, minmax or none (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for weights, dropout and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-shuffle", description = "Keep the sample order in every epoch.")
    boolean noShuffle;

    @Option(names = "--save-weights", description = "Write the trained weights as .npz (layer/weight keys). Full model files come with the .keras format.")
    Path saveWeights;

    @Option(names = "--metrics-out", description = "Write the history (and validation figures) as JSON.")
    Path metricsOut;

    @Option(names = "--plot", description = "PNG of the loss and accuracy curves.")
    Path plot;

    @Option(names = "--progress", defaultValue = "auto", description = "auto, bar, lines or none.")
    String progress;


    @Override
    public Integer call() throws Exception {
        if ((layers == null) == (modelFile == null)) throw new IllegalArgumentException("give either --layers or --model");
        Tensor[] xy = data.load();
        Tensor x = xy[0], y = xy[1];
        Sequential model;
        if (modelFile != null) {
            if (!normalize.equals("none")) throw new IllegalArgumentException("--normalize applies to new models (--layers); a saved model keeps its own");
            model = ModelFiles.load(modelFile);
        } else {
            List<Layer> stack = new ArrayList<>();
            stack.add(new InputLayer(x.sampleShape()));
            switch (normalize) {
                case "standardize" -> stack.add(new Normalization().adapt(x));
                case "minmax" -> stack.add(Normalization.minMax(x));
                case "none" -> { }
                default -> throw new IllegalArgumentException("--normalize must be standardize, minmax or none, got '" + normalize + "'");
            }
            stack.addAll(Builders.layers(layers));
            model = new Sequential(stack).seed(seed);
            model.build(x.sampleShape());
        }
        Loss lossFn = loss != null ? Losses.of(loss) : chooseLoss(model, y);
        boolean classification = lossFn.name().contains("crossentropy");
        dev.keel.optimizers.Optimizer opt;
        if (optimizer == null && model.optimizer() != null) {   // continue with the saved optimizer and its moments
            opt = model.optimizer();
            if (learningRate != null) opt.setLearningRate(learningRate);
        } else {
            opt = Builders.optimizer(optimizer == null ? "adam" : optimizer, learningRate);
        }
        model.compile(opt, lossFn, classification ? new String[] {"accuracy"} : new String[] {"mae"});
        System.out.println(model.summary());
        System.out.println("loss: " + lossFn.name() + ", optimizer: " + model.optimizer().name()
                + String.format(Locale.ROOT, " (learning_rate %.3g)", model.optimizer().currentLearningRate()));

        FitConfig.Builder fit = FitConfig.builder().epochs(epochs).batchSize(batchSize).shuffle(!noShuffle).seed(seed)
                .verbose(DemoCommand.verbosity(progress));
        if ((valX == null) != (valY == null)) throw new IllegalArgumentException("give both --val-x and --val-y");
        if (valX != null) fit.validationData(Npy.read(valX), Npy.read(valY));
        if (validationSplit > 0) fit.validationSplit(validationSplit);
        long t0 = System.nanoTime();
        History h = model.fit(x, y, fit.build());
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "trained %d epochs in %.1f s%n", h.get("loss").size(), seconds);
        if (save != null) {
            ModelFiles.save(model, save);
            System.out.println("model: " + save.toAbsolutePath());
        }
        if (saveWeights != null) {
            WeightsFile.save(model, saveWeights);
            System.out.println("weights: " + saveWeights.toAbsolutePath());
        }
        if (metricsOut != null) MetricsJson.write(metricsOut, h, null, seconds, Map.of());
        if (plot != null) Curves.write(plot, "keel train", List.of(new Curves.Run("model", h)));
        return 0;
    }

    /** Keras users name the loss; when they don't, pick the one the targets and output imply. */
    static Loss chooseLoss(Sequential model, Tensor y) {
        int outputs = Layer.product(model.outputShape());
        Layer last = model.layers().get(model.layers().size() - 1);
        Activation act = last instanceof SoftmaxHead h ? h.outputActivation() : Activation.LINEAR;
        if (outputs > 1 && y.cols() == 1) return Losses.of("sparse_categorical_crossentropy");
        if (outputs > 1 && act == Activation.SOFTMAX) return Losses.of("categorical_crossentropy");
        if (act == Activation.SIGMOID) return Losses.of("binary_crossentropy");
        return Losses.of("mean_squared_error");
    }
}
