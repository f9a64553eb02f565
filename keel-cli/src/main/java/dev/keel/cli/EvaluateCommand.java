package dev.keel.cli;

import dev.keel.Tensor;
import dev.keel.io.models.ModelFiles;
import dev.keel.losses.Loss;
import dev.keel.losses.Losses;
import dev.keel.models.Sequential;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keel evaluate}: loss and accuracy (or MAE) of a saved model on data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Evaluates a saved model on data: loss and accuracy (or mae).")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A saved model: .keras, Keras 2 .h5, or TF.js model.json (or its directory); detected from the content.")
    Path model;

    @Mixin
    DataOptions data;

    @Option(names = "--loss", description = "A Keras loss name (default: chosen from the targets and the output layer).")
    String loss;

    @Option(names = "--batch-size", defaultValue = "1024", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--metrics-out", description = "Write the figures as JSON ({\"test\": {...}}).")
    Path metricsOut;


    @Override
    public Integer call() throws Exception {
        Sequential m = ModelFiles.load(model);
        Tensor[] xy = data.load();
        Loss l = loss != null ? Losses.of(loss) : TrainCommand.chooseLoss(m, xy[1]);
        m.compile("adam", l.name(), l.name().contains("crossentropy") ? "accuracy" : "mae");
        long t0 = System.nanoTime();
        Map<String, Double> r = m.evaluate(xy[0], xy[1], batchSize);
        double seconds = (System.nanoTime() - t0) / 1e9;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%,d samples", xy[0].rows()));
        r.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " - %s: %.4f", k, v)));
        System.out.println(sb);
        if (metricsOut != null) MetricsJson.write(metricsOut, null, r, seconds, Map.of("loss_function", l.name()));
        return 0;
    }
}
