package dev.keel.io;

import dev.keel.Tensor;
import dev.keel.layers.Layer;
import dev.keel.layers.Weight;
import dev.keel.models.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's weights as a NumPy {@code .npz}, one array per weight keyed {@code layer_name/weight_name}
 * (e.g. {@code batch_normalization/moving_mean}), readable with {@code numpy.load}. Written atomically.
 * Loading matches arrays to weights by key and checks every shape; nothing is executed.
 */
public final class WeightsFile {
    private WeightsFile() {}

    public static void save(Sequential model, Path file) throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        for (Layer l : model.layers()) {
            for (Weight w : l.weights()) arrays.put(l.name() + "/" + w.name(), new Tensor(w.value().clone(), w.shape()));
        }
        AtomicFiles.writeAtomically(file, out -> Npz.write(out, arrays));
    }

    public static void load(Sequential model, Path file) {
        Map<String, Tensor> arrays = Npz.read(file);
        int expected = 0;
        for (Layer l : model.layers()) {
            for (Weight w : l.weights()) {
                expected++;
                String key = l.name() + "/" + w.name();
                Tensor t = arrays.get(key);
                if (t == null) throw new DataFormatException(file + " has no weight '" + key + "' (it has " + arrays.keySet() + ")");
                if (!Arrays.equals(t.shape(), w.shape()) && t.data().length != w.size()) {
                    throw new DataFormatException(file + ": weight '" + key + "' has shape " + Arrays.toString(t.shape())
                            + " but the model expects " + Arrays.toString(w.shape()));
                }
                for (float v : t.data()) {
                    if (!Float.isFinite(v)) throw new DataFormatException(file + ": weight '" + key + "' contains " + v);
                }
                w.set(t.data());
            }
        }
        if (arrays.size() != expected) {
            throw new DataFormatException(file + " has " + arrays.size() + " arrays but the model has " + expected + " weights");
        }
    }
}
