package dev.keel.cli;

import dev.keel.io.models.ModelFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel summary}: Keras's summary table of a saved model. */
@Command(name = "summary", mixinStandardHelpOptions = true, description = "Prints Keras's summary table of a saved model.")
final class SummaryCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A saved model: .keras, Keras 2 .h5, or TF.js model.json (or its directory); detected from the content.")
    Path model;


    @Override
    public Integer call() {
        System.out.print(ModelFiles.load(model).summary());
        return 0;
    }
}
