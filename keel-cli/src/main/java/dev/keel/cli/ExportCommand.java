package dev.keel.cli;

import dev.keel.io.models.KerasFormat;
import dev.keel.io.models.ModelFiles;
import dev.keel.io.models.TfjsFormat;
import dev.keel.io.onnx.OnnxExport;
import dev.keel.models.Sequential;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel export}: converts a saved model between Keras, TF.js and ONNX. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Converts a saved model to another format.",
                "Example: keel export --model fashion.keras --format onnx --output fashion.onnx"})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A saved model: .keras, Keras 2 .h5, or TF.js model.json (or its directory).")
    Path model;

    @Option(names = "--format", required = true, description = "keras (Keras 3 .keras zip), tfjs (directory with model.json) or onnx (inference graph, opset 17).")
    String format;

    @Option(names = "--output", required = true, description = "The file (keras, onnx) or directory (tfjs) to write; written atomically.")
    Path output;

    @Option(names = "--no-fold", description = "ONNX only: keep every BatchNormalization instead of folding it into the neighbouring Dense.")
    boolean noFold;

    @Override
    public Integer call() throws Exception {
        Sequential m = ModelFiles.load(model);
        switch (format.toLowerCase(Locale.ROOT)) {
            case "keras" -> {
                if (!output.getFileName().toString().endsWith(".keras")) throw new IllegalArgumentException("a Keras model file name must end in .keras");
                KerasFormat.save(m, output);
            }
            case "tfjs" -> TfjsFormat.save(m, output);
            case "onnx" -> OnnxExport.write(m, output, !noFold);
            default -> throw new IllegalArgumentException("--format must be keras, tfjs or onnx, got '" + format + "'");
        }
        System.out.println("wrote " + output.toAbsolutePath() + " (" + format.toLowerCase(Locale.ROOT) + ")");
        return 0;
    }
}
