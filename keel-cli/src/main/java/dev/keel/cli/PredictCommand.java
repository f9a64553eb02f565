package dev.keel.cli;

import dev.keel.Tensor;
import dev.keel.io.AtomicFiles;
import dev.keel.io.Npy;
import dev.keel.io.models.ModelFiles;
import dev.keel.models.Sequential;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel predict}: a saved model's outputs for an NPY input, written as NPY. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Runs a saved model on X.npy and writes its outputs to P.npy.")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A saved model: .keras, Keras 2 .h5, or TF.js model.json (or its directory); detected from the content.")
    Path model;

    @Option(names = "--input", required = true, description = "Inputs (.npy, samples first).")
    Path input;

    @Option(names = "--output", required = true, description = "Where to write the outputs (.npy, float32).")
    Path output;

    @Option(names = "--batch-size", defaultValue = "1024", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;


    @Override
    public Integer call() throws Exception {
        Sequential m = ModelFiles.load(model);
        Tensor x = Npy.read(input);
        long t0 = System.nanoTime();
        Tensor p = m.predict(x, batchSize);
        double ms = (System.nanoTime() - t0) / 1e6;
        AtomicFiles.writeAtomically(output, out -> Npy.write(out, p));
        System.out.printf(Locale.ROOT, "%,d predictions of shape %s in %.1f ms -> %s%n", p.rows(),
                java.util.Arrays.toString(p.sampleShape()), ms, output.toAbsolutePath());
        return 0;
    }
}
