package dev.keel.io.models;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.keel.io.AtomicFiles;
import dev.keel.io.DataFormatException;
import dev.keel.layers.Layer;
import dev.keel.layers.Weight;
import dev.keel.models.Sequential;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TensorFlow.js layers format: a {@code model.json} holding the Keras model topology and a weights
 * manifest, plus binary little-endian float32 shards in the same directory.
 *
 * <p>Loading treats the files as hostile: model.json is at most {@value ModelJson#MAX_BYTES} bytes and
 * {@value ModelJson#MAX_DEPTH} levels deep; shard paths must be plain file names in the model's directory; the
 * declared weights must add up exactly to the shards' real sizes before anything is allocated; only float32
 * is accepted; every weight must match one layer weight of the same name and shape.
 */
public final class TfjsFormat {
    private static final ObjectMapper JSON = ModelJson.bounded(1 << 20).enable(SerializationFeature.INDENT_OUTPUT);

    private TfjsFormat() {}

    /** Loads {@code model.json} (or a directory holding it) as a built Sequential with its weights. */
    public static Sequential load(Path path) {
        Path json = Files.isDirectory(path) ? path.resolve("model.json") : path;
        String where = json.toString();
        Map<String, Object> root;
        try {
            if (!Files.isRegularFile(json)) throw new DataFormatException("no model file at " + json);
            if (Files.size(json) > ModelJson.MAX_BYTES) throw new DataFormatException(where + " is larger than " + ModelJson.MAX_BYTES + " bytes");
            try (InputStream in = Files.newInputStream(json)) {
                root = JSON.readValue(in, new TypeReference<>() {});
            }
        } catch (IOException e) {
            throw new DataFormatException(where + " is not valid model JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        Object topology = root.get("modelTopology");
        if (!(topology instanceof Map<?, ?> topo)) throw new DataFormatException(where + " has no modelTopology object (is it a TF.js layers model?)");
        Object modelConfig = topo.containsKey("model_config") ? topo.get("model_config") : topo;
        Sequential model = KerasTopology.sequential(modelConfig, where);
        Object manifest = root.get("weightsManifest");
        if (!(manifest instanceof List<?> groups)) throw new DataFormatException(where + " has no weightsManifest list");
        loadWeights(model, groups, json.toAbsolutePath().getParent(), where);
        return model;
    }

    private static void loadWeights(Sequential model, List<?> groups, Path dir, String where) {
        Map<String, Weight> byName = new HashMap<>();
        for (Layer l : model.layers()) for (Weight w : l.weights()) byName.put(l.name() + "/" + w.name(), w);
        Map<String, float[]> found = new LinkedHashMap<>();
        for (Object g : groups) {
            if (!(g instanceof Map<?, ?> group) || !(group.get("paths") instanceof List<?> paths) || !(group.get("weights") instanceof List<?> specs)) {
                throw new DataFormatException(where + ": malformed weightsManifest group " + g);
            }
            long declared = 0;
            List<Object[]> entries = new ArrayList<>();
            for (Object s : specs) {
                if (!(s instanceof Map<?, ?> spec) || !(spec.get("name") instanceof String name) || !(spec.get("shape") instanceof List<?> shape)) {
                    throw new DataFormatException(where + ": malformed weight entry " + s);
                }
                if (!"float32".equals(spec.get("dtype")) || spec.get("quantization") != null) {
                    throw new DataFormatException(where + ": weight '" + name + "' is " + spec.get("dtype")
                            + (spec.get("quantization") != null ? " (quantized)" : "") + "; Keel reads float32 weights only");
                }
                long n = 1;
                for (Object d : shape) {
                    if (!(d instanceof Number num) || num.longValue() < 0) throw new DataFormatException(where + ": weight '" + name + "' has a bad shape " + shape);
                    n *= num.longValue();
                    if (n > Integer.MAX_VALUE / 4) throw new DataFormatException(where + ": weight '" + name + "' declares a shape too large: " + shape);
                }
                declared += n * 4;
                entries.add(new Object[] {name, n});
            }
            long actual = 0;
            List<Path> shards = new ArrayList<>();
            for (Object p : paths) {
                String file = String.valueOf(p);
                if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.contains("..")) {
                    throw new DataFormatException(where + ": refusing weight shard path '" + file + "' (shards must sit beside model.json)");
                }
                Path shard = dir.resolve(file);
                if (!Files.isRegularFile(shard)) throw new DataFormatException(where + ": weight shard '" + file + "' is missing");
                try {
                    actual += Files.size(shard);
                } catch (IOException e) {
                    throw new DataFormatException(where + ": cannot read shard " + file + ": " + e.getMessage(), e);
                }
                shards.add(shard);
            }
            if (actual != declared) {
                throw new DataFormatException(where + ": the manifest declares " + declared + " bytes of weights but the shards hold " + actual
                        + (actual < declared ? " (truncated?)" : " (oversized)"));
            }
            ByteBuffer data = ByteBuffer.allocate((int) declared).order(ByteOrder.LITTLE_ENDIAN);
            for (Path shard : shards) {
                try {
                    data.put(Files.readAllBytes(shard));
                } catch (IOException | java.nio.BufferOverflowException e) {
                    throw new DataFormatException(where + ": shard " + shard.getFileName() + " changed while reading", e);
                }
            }
            data.flip();
            for (Object[] e : entries) {
                float[] v = new float[(int) (long) e[1]];
                data.asFloatBuffer().get(v);
                data.position(data.position() + v.length * 4);
                found.put(matchName((String) e[0], byName, where), v);
            }
        }
        for (var e : byName.entrySet()) {
            float[] v = found.get(e.getKey());
            if (v == null) throw new DataFormatException(where + ": no weights for '" + e.getKey() + "' in the manifest");
            Weight w = e.getValue();
            if (v.length != w.size()) {
                throw new DataFormatException(where + ": weight '" + e.getKey() + "' has " + v.length + " values but the layer expects shape "
                        + java.util.Arrays.toString(w.shape()));
            }
            KerasFormat.warnIfNonFinite(v, where, e.getKey());
            w.set(v);
        }
    }

    /** TF.js may prefix names with a scope ("sequential_1/dense/kernel"); match on the last two parts. */
    private static String matchName(String name, Map<String, Weight> byName, String where) {
        if (byName.containsKey(name)) return name;
        String[] parts = name.split("/");
        if (parts.length >= 2) {
            String tail = parts[parts.length - 2] + "/" + parts[parts.length - 1];
            if (byName.containsKey(tail)) return tail;
        }
        throw new DataFormatException(where + ": weight '" + name + "' matches no layer weight; the model has " + byName.keySet());
    }

    /** Saves {@code model} as {@code dir/model.json} plus {@code dir/group1-shard1of1.bin}, each written atomically. */
    public static void save(Sequential model, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> specs = new ArrayList<>();
        int total = 0;
        for (Layer l : model.layers()) for (Weight w : l.weights()) total += w.size();
        ByteBuffer data = ByteBuffer.allocate(total * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (Layer l : model.layers()) {
            for (Weight w : l.weights()) {
                Map<String, Object> spec = new LinkedHashMap<>();
                spec.put("name", l.name() + "/" + w.name());
                spec.put("shape", w.shape());
                spec.put("dtype", "float32");
                specs.add(spec);
                data.asFloatBuffer().put(w.value());
                data.position(data.position() + w.size() * 4);
            }
        }
        String shard = "group1-shard1of1.bin";
        AtomicFiles.writeAtomically(dir.resolve(shard), out -> out.write(data.array()));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "layers-model");
        root.put("generatedBy", "Keel 0.1.0");
        root.put("convertedBy", null);
        root.put("modelTopology", KerasTopology.of(model));
        root.put("weightsManifest", List.of(Map.of("paths", List.of(shard), "weights", specs)));
        AtomicFiles.writeAtomically(dir.resolve("model.json"), out -> JSON.writeValue(out, root));
    }
}
