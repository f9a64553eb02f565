package dev.keel.io.models;

import dev.keel.io.DataFormatException;
import dev.keel.layers.Layer;
import dev.keel.models.Sequential;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A Keras {@code Sequential} topology (the JSON of {@code model.to_json()}) to and from a Keel model. */
final class KerasTopology {
    private static final int MAX_LAYERS = 10_000;

    private KerasTopology() {}

    @SuppressWarnings("unchecked")
    static Sequential sequential(Object topology, String where) {
        if (!(topology instanceof Map<?, ?> t)) throw new DataFormatException(where + ": model topology must be an object");
        Object cls = t.get("class_name");
        if (!"Sequential".equals(cls)) {
            throw new DataFormatException(where + ": model class '" + cls + "' is not supported; Keel reads Sequential models");
        }
        Object cfg = t.get("config");
        Object layersObj = cfg instanceof Map<?, ?> m ? m.get("layers") : cfg;
        if (!(layersObj instanceof List<?> entries)) throw new DataFormatException(where + ": Sequential config has no layer list");
        if (entries.size() > MAX_LAYERS) throw new DataFormatException(where + ": " + entries.size() + " layers is more than Keel accepts");
        Sequential model = new Sequential();
        if (cfg instanceof Map<?, ?> m && m.get("name") instanceof String name) model.name(name);
        int[] shape = null;
        int index = 0;
        for (Object e : entries) {
            index++;
            if (!(e instanceof Map<?, ?> entry) || !(entry.get("class_name") instanceof String className)
                    || !(entry.get("config") instanceof Map<?, ?> layerCfg)) {
                throw new DataFormatException(where + ": layer " + index + " is malformed");
            }
            Map<String, Object> c = (Map<String, Object>) layerCfg;
            String at = where + " (layer " + index + ", " + className + ")";
            if (className.equals("InputLayer")) {
                shape = LayerConfigCodec.declaredShape(c, at);
                if (shape == null) throw new DataFormatException(at + ": InputLayer without a shape");
                continue;
            }
            if (shape == null) shape = LayerConfigCodec.declaredShape(c, at);
            try {
                model.add(LayerConfigCodec.fromConfig(className, c, at));
            } catch (IllegalArgumentException ex) {
                throw new DataFormatException(at + ": " + ex.getMessage(), ex);
            }
        }
        if (model.layers().isEmpty()) throw new DataFormatException(where + ": the model has no layers");
        if (shape == null) throw new DataFormatException(where + ": the model does not declare its input shape");
        try {
            model.build(shape);
        } catch (IllegalArgumentException ex) {
            throw new DataFormatException(where + ": " + ex.getMessage(), ex);
        }
        return model;
    }

    /** Keras's JSON for a built Sequential; the first layer carries batch_input_shape, as TF.js writes it. */
    static Map<String, Object> of(Sequential model) {
        List<Object> layers = new ArrayList<>();
        boolean first = true;
        for (Layer l : model.layers()) {
            Map<String, Object> c = new LinkedHashMap<>(l.config());
            if (first) {
                List<Object> batch = new ArrayList<>();
                batch.add(null);
                for (int d : model.inputShape()) batch.add(d);
                c.put("batch_input_shape", batch);
                first = false;
            }
            c.put("dtype", "float32");
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("class_name", l.className());
            entry.put("config", c);
            layers.add(entry);
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("name", model.name());
        cfg.put("layers", layers);
        Map<String, Object> topo = new LinkedHashMap<>();
        topo.put("class_name", "Sequential");
        topo.put("config", cfg);
        topo.put("keras_version", "tfjs-layers 4.22.0");
        topo.put("backend", "tensor_flow.js");
        return topo;
    }
}
