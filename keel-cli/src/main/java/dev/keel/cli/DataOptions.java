package dev.keel.cli;

import dev.keel.Tensor;
import dev.keel.io.Csv;
import dev.keel.io.DataFormatException;
import dev.keel.io.Idx;
import dev.keel.io.Npy;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where a command's (x, y) come from: NPY files, a CSV with a label column, or IDX images and labels. */
final class DataOptions {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @ArgGroup(exclusive = false)
        NpyPair npy;

        @ArgGroup(exclusive = false)
        CsvSource csv;

        @Option(names = "--idx", arity = "2", paramLabel = "FILE", description = "IDX images and labels (gz or plain), e.g. Fashion-MNIST's.")
        List<Path> idx;
    }

    static final class NpyPair {
        @Option(names = "--x", required = true, description = "Features as .npy (samples × features).")
        Path x;

        @Option(names = "--y", required = true, description = "Targets as .npy: class indices or one-hot/continuous rows.")
        Path y;
    }

    static final class CsvSource {
        @Option(names = "--csv", required = true, description = "CSV with a header row.")
        Path file;

        @Option(names = "--label", required = true, description = "Label column of the CSV (name or 0-based index).")
        String label;
    }

    /** {x, y}; IDX images are flattened to one row per image. */
    Tensor[] load() {
        if (source.npy != null) return new Tensor[] {Npy.read(source.npy.x), Npy.read(source.npy.y)};
        if (source.csv != null) {
            Csv.Data d = Csv.read(source.csv.file, source.csv.label);
            return new Tensor[] {d.x(), d.y()};
        }
        Tensor images = Idx.read(source.idx.get(0)), labels = Idx.read(source.idx.get(1));
        int n = images.rows();
        if (labels.rows() != n) throw new DataFormatException("IDX images and labels differ in count: " + n + " vs " + labels.rows());
        return new Tensor[] {new Tensor(images.data(), new int[] {n, images.cols()}), labels};
    }
}
