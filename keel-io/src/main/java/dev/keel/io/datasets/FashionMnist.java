package dev.keel.io.datasets;

import dev.keel.Tensor;
import dev.keel.io.DataFormatException;
import dev.keel.io.Idx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fashion-MNIST (Xiao et al., 2017): 60,000 training and 10,000 test 28×28 grey images of 10 clothing classes,
 * read from the original IDX files (gz or plain). Looked for in, in order: the given directory,
 * {@code $KEEL_DATA}, {@code $KEEL_DATA/fashion-mnist}, and Debian's {@code /usr/share/datasets/fashion-mnist}
 * (package {@code dataset-fashion-mnist}).
 */
public final class FashionMnist {
    public static final String[] CLASS_NAMES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot"};
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /**
     * The four arrays: images flattened to 784 floats scaled to [0, 1], labels as class indices.
     */
    public record Data(Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest) {
        /** The first {@code nTrain} training and {@code nTest} test samples. */
        public Data head(int nTrain, int nTest) {
            return new Data(xTrain.slice(0, Math.min(nTrain, xTrain.rows())), yTrain.slice(0, Math.min(nTrain, yTrain.rows())),
                    xTest.slice(0, Math.min(nTest, xTest.rows())), yTest.slice(0, Math.min(nTest, yTest.rows())));
        }
    }

    private FashionMnist() {}

    /** Finds the data directory, or explains how to get it. */
    public static Path locate(Path explicit) {
        List<Path> tried = new ArrayList<>();
        List<Path> candidates = new ArrayList<>();
        if (explicit != null) candidates.add(explicit);
        String env = System.getenv("KEEL_DATA");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
            candidates.add(Path.of(env, "fashion-mnist"));
        }
        candidates.add(DEBIAN_DIR);
        for (Path p : candidates) {
            tried.add(p);
            if (find(p, "train-images-idx3-ubyte") != null) return p;
            if (explicit != null && p.equals(explicit)) break;   // an explicit directory must hold the data
        }
        throw new DataFormatException("Fashion-MNIST not found (looked in " + tried + "). Install it with "
                + "'apt-get install dataset-fashion-mnist' (Debian), or put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                + "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz in a directory and pass --data DIR or set KEEL_DATA.");
    }

    public static Data load(Path explicitDir) {
        Path dir = locate(explicitDir);
        Tensor xTrain = images(dir, "train-images-idx3-ubyte"), yTrain = labels(dir, "train-labels-idx1-ubyte");
        Tensor xTest = images(dir, "t10k-images-idx3-ubyte"), yTest = labels(dir, "t10k-labels-idx1-ubyte");
        if (xTrain.rows() != yTrain.rows() || xTest.rows() != yTest.rows()) {
            throw new DataFormatException(dir + ": image and label counts differ (" + xTrain.rows() + " vs " + yTrain.rows()
                    + ", " + xTest.rows() + " vs " + yTest.rows() + ")");
        }
        return new Data(xTrain, yTrain, xTest, yTest);
    }

    private static Tensor images(Path dir, String base) {
        Path f = require(dir, base);
        Tensor t = Idx.read(f);
        int[] s = t.shape();
        if (s.length != 3) throw new DataFormatException(f + ": expected images of shape (n, rows, cols), got rank " + s.length);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] /= 255f;
        return new Tensor(d, new int[] {s[0], s[1] * s[2]});
    }

    private static Tensor labels(Path dir, String base) {
        Path f = require(dir, base);
        Tensor t = Idx.read(f);
        if (t.shape().length != 1) throw new DataFormatException(f + ": expected labels of shape (n,), got rank " + t.shape().length);
        for (float v : t.data()) if (v < 0 || v > 9) throw new DataFormatException(f + ": label " + v + " is outside 0..9");
        return t;
    }

    private static Path require(Path dir, String base) {
        Path f = find(dir, base);
        if (f == null) throw new DataFormatException(dir + " has no " + base + "(.gz)");
        return f;
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }
}
