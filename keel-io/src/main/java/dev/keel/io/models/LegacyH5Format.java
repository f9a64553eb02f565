package dev.keel.io.models;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.io.DataFormatException;
import dev.keel.io.hdf5.Hdf5File;
import dev.keel.layers.Layer;
import dev.keel.layers.Weight;
import dev.keel.models.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras 2's full-model HDF5 files ({@code model.save("m.h5")}): the architecture is the JSON string in the
 * root attribute {@code model_config}; the weights sit under {@code model_weights/<layer name>/}, listed in
 * order by each layer group's {@code weight_names} attribute (e.g. {@code dense/kernel:0}), with the layers
 * listed by {@code model_weights}'s {@code layer_names}. As in Keras 2, weights are matched to the layers
 * that have weights in order. The model loads uncompiled (Keras 2's optimizer state is not read); compile it
 * before training.
 */
public final class LegacyH5Format {
    private static final ObjectMapper JSON = ModelJson.bounded(64 << 20);

    private LegacyH5Format() {}

    public static Sequential load(Path file) {
        try (Hdf5File h5 = Hdf5File.open(file)) {
            String where = h5.where();
            List<String> rootAttrs = h5.stringListAttribute("/", "model_config");
            if (rootAttrs == null) {
                throw new DataFormatException(where + " has no model_config attribute: it holds weights only (a .weights.h5 file?), not a Keras model; "
                        + "build the model in Keel and load the weights into it, or save the full model with model.save()");
            }
            Map<String, Object> config;
            try {
                config = JSON.readValue(rootAttrs.get(0), new TypeReference<>() {});
            } catch (IOException e) {
                throw new DataFormatException(where + ": model_config is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
            }
            Sequential model = KerasTopology.sequential(config, where + " (model_config)");
            loadWeights(model, h5);
            return model;
        }
    }

    private static void loadWeights(Sequential model, Hdf5File h5) {
        String where = h5.where();
        String root = h5.exists("model_weights") ? "model_weights" : "/";
        List<String> layerNames = h5.stringListAttribute(root, "layer_names");
        if (layerNames == null) throw new DataFormatException(where + ": " + root + " has no layer_names attribute");
        List<String> groups = new ArrayList<>();            // the file's layers that have weights, in order
        List<List<String>> weightNames = new ArrayList<>();  // and their weight_names
        for (String name : layerNames) {
            String group = groupPath(root, name, where);
            List<String> names = h5.exists(group) ? h5.stringListAttribute(group, "weight_names") : null;
            if (names != null && !names.isEmpty()) {
                groups.add(group);
                weightNames.add(names);
            }
        }
        List<Layer> layers = new ArrayList<>();
        for (Layer l : model.layers()) if (!l.weights().isEmpty()) layers.add(l);
        if (layers.size() != groups.size()) {
            throw new DataFormatException(where + ": the file has weights for " + groups.size() + " layers but the model has " + layers.size()
                    + " layers with weights");
        }
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String group = groups.get(i);
            List<String> names = weightNames.get(i);
            List<Weight> ws = layer.weights();
            if (names.size() != ws.size()) {
                throw new DataFormatException(where + ": layer " + layer.name() + " has " + ws.size() + " weights but the file lists " + names.size()
                        + " for " + group + ": " + names);
            }
            for (int k = 0; k < ws.size(); k++) {
                String path = group + "/" + names.get(k);
                if (names.get(k).contains("..")) throw new DataFormatException(where + ": refusing weight name '" + names.get(k) + "'");
                KerasFormat.assign(h5, path, ws.get(k), layer.name() + "/" + ws.get(k).name());
            }
        }
    }

    private static String groupPath(String root, String name, String where) {
        if (name.isEmpty() || name.contains("..") || name.startsWith("/")) throw new DataFormatException(where + ": refusing layer name '" + name + "'");
        return root.equals("/") ? name : root + "/" + name;
    }
}
