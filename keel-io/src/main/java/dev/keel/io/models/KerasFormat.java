package dev.keel.io.models;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.io.AtomicFiles;
import dev.keel.io.DataFormatException;
import dev.keel.io.hdf5.Hdf5File;
import dev.keel.io.hdf5.Hdf5Writer;
import dev.keel.layers.Layer;
import dev.keel.layers.Parameter;
import dev.keel.layers.Weight;
import dev.keel.models.Sequential;
import dev.keel.optimizers.Optimizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Keras 3's native {@code .keras} format: a zip holding {@code config.json} (the serialized model, with
 * its compile config), {@code metadata.json} and {@code model.weights.h5}. The weights file follows
 * Keras's saving_lib layout: an empty root {@code vars} group, {@code layers/<snake_case class>[_n]/vars/<i>}
 * for each layer (Keras names the groups by class and position, not by layer name; InputLayer is not in
 * {@code model.layers}), and {@code optimizer/vars/<i>}: the iteration count, the learning rate, then the
 * slot variables in Keras's creation order. Saving the optimizer lets training continue where it stopped.
 *
 * <p>Loading is bounded: at most {@value #MAX_ENTRIES} zip entries, entry names with {@code ..}, a
 * backslash or a leading {@code /} are refused, and each entry is read only up to its limit whatever its
 * header claims ({@value ModelJson#MAX_BYTES} bytes of JSON, {@value #MAX_WEIGHTS_BYTES} bytes of weights).
 */
public final class KerasFormat {
    static final int MAX_ENTRIES = 1_000;
    static final long MAX_WEIGHTS_BYTES = (1L << 31) - 64;
    /** The Keras release whose format Keel writes (recorded in metadata.json). */
    static final String KERAS_VERSION = "3.6.0";
    private static final ObjectMapper JSON = ModelJson.bounded(1 << 20);

    private KerasFormat() {}

    // ---- save ----

    /** Saves {@code model} (built; compiled or not) to {@code file} atomically. */
    public static void save(Sequential model, Path file) throws IOException {
        if (!model.built()) throw new IllegalArgumentException("build or fit the model before saving it");
        byte[] config = JSON.writeValueAsBytes(KerasConfig.of(model));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("keras_version", KERAS_VERSION);
        meta.put("date_saved", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
        meta.put("saved_by", "Keel 0.1.0");
        byte[] metadata = JSON.writeValueAsBytes(meta);
        byte[] weights = Hdf5Writer.write(weightsTree(model));
        AtomicFiles.writeAtomically(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            put(zip, "metadata.json", metadata);
            put(zip, "config.json", config);
            put(zip, "model.weights.h5", weights);
            zip.finish();
        });
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private static Hdf5Writer.Group weightsTree(Sequential model) {
        Hdf5Writer.Group root = new Hdf5Writer.Group();
        root.group("vars");
        Hdf5Writer.Group layers = root.group("layers");
        List<String> paths = layerPaths(model);
        for (int i = 0; i < paths.size(); i++) {
            Hdf5Writer.Group vars = layers.group(paths.get(i)).group("vars");
            List<Weight> ws = model.layers().get(i).weights();
            for (int k = 0; k < ws.size(); k++) vars.float32(Integer.toString(k), longShape(ws.get(k).shape()), ws.get(k).value());
        }
        Optimizer opt = model.optimizer();
        if (opt != null) {
            // Keras: iteration, then learning_rate unless it is a schedule, then the slots
            Hdf5Writer.Group vars = root.group("optimizer").group("vars");
            vars.int64Scalar("0", opt.iterations());
            int first = 1;
            if (!opt.hasSchedule()) vars.float32(Integer.toString(first++), new long[0], new float[] {(float) opt.currentLearningRate()});
            List<Optimizer.SlotVariable> slots = opt.slotVariables(model.trainableParameters());
            for (int k = 0; k < slots.size(); k++) {
                Optimizer.SlotVariable s = slots.get(k);
                vars.float32(Integer.toString(k + first), longShape(s.variable().shape()), s.value());
            }
        }
        return root;
    }

    private static long[] longShape(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = shape[i];
        return s;
    }

    /** Keras's paths for model.layers: the snake_case class name, with _1, _2 … for repeats. */
    static List<String> layerPaths(Sequential model) {
        Map<String, Integer> used = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (Layer l : model.layers()) {
            String base = l.defaultNamePrefix();
            Integer n = used.merge(base, 0, (a, b) -> a + 1);
            out.add(n == 0 ? base : base + "_" + n);
        }
        return out;
    }

    // ---- load ----

    /** Loads a .keras file as a built Sequential with its weights, compiled (with optimizer state) if it was. */
    public static Sequential load(Path file) {
        String where = file.toString();
        byte[] configBytes = null, weightsBytes = null;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            int count = 0;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                String name = e.getName();
                if (++count > MAX_ENTRIES) throw new DataFormatException(where + ": more than " + MAX_ENTRIES + " zip entries");
                if (name.contains("..") || name.startsWith("/") || name.contains("\\") || name.contains(":")) {
                    throw new DataFormatException(where + ": refusing zip entry '" + name + "' (path traversal)");
                }
                switch (name) {
                    case "config.json" -> configBytes = read(zip, e, ModelJson.MAX_BYTES, where);
                    case "model.weights.h5" -> weightsBytes = read(zip, e, MAX_WEIGHTS_BYTES, where);
                    case "model.weights.npz" -> throw new DataFormatException(where + ": weights saved as model.weights.npz are not supported; "
                            + "save with Keras's default weights_format='h5'");
                    default -> { }   // metadata.json and assets are not needed
                }
            }
        } catch (IOException e) {
            throw new DataFormatException(where + " is not a readable .keras zip: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {   // ZipFile's own checks on malformed names
            throw new DataFormatException(where + " is not a valid zip: " + e.getMessage(), e);
        }
        if (configBytes == null) throw new DataFormatException(where + " has no config.json (is it a .keras file?)");
        if (weightsBytes == null) throw new DataFormatException(where + " has no model.weights.h5");
        Map<String, Object> config;
        try {
            config = JSON.readValue(configBytes, new TypeReference<>() {});
        } catch (IOException e) {
            throw new DataFormatException(where + "!config.json is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (config == null) throw new DataFormatException(where + "!config.json is empty");
        Sequential model = KerasTopology.sequential(config, where + "!config.json");
        try (Hdf5File h5 = Hdf5File.open(weightsBytes, where + "!model.weights.h5")) {
            loadLayerWeights(model, h5);
            Object compile = config.get("compile_config");
            if (compile instanceof Map<?, ?> cc) {
                KerasConfig.compile(model, cc, where + "!config.json");
                loadOptimizer(model, h5);
            } else if (compile != null) {
                throw new DataFormatException(where + "!config.json: compile_config must be an object");
            }
        }
        return model;
    }

    private static byte[] read(ZipFile zip, ZipEntry e, long limit, String where) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 16));
            if (b.length > limit) throw new DataFormatException(where + ": entry " + e.getName() + " is larger than " + limit + " bytes (zip bomb?)");
            return b;
        }
    }

    private static void loadLayerWeights(Sequential model, Hdf5File h5) {
        List<String> paths = layerPaths(model);
        String prefix = h5.exists("layers") ? "layers/" : h5.exists("_layer_checkpoint_dependencies") ? "_layer_checkpoint_dependencies/" : null;
        if (prefix == null) throw new DataFormatException(h5.where() + ": no 'layers' group (is it a Keras 3 weights file?)");
        for (int i = 0; i < paths.size(); i++) {
            Layer layer = model.layers().get(i);
            String vars = prefix + paths.get(i) + "/vars";
            List<Weight> ws = layer.weights();
            int present = h5.exists(vars) ? h5.children(vars).size() : 0;
            if (present != ws.size()) {
                throw new DataFormatException(h5.where() + ": layer " + layer.name() + " (" + vars + ") has " + present + " weights in the file but "
                        + ws.size() + " in the model");
            }
            for (int k = 0; k < ws.size(); k++) {
                Weight w = ws.get(k);
                String path = vars + "/" + k;
                assign(h5, path, w, layer.name() + "/" + w.name());
            }
        }
    }

    /** Checks the dataset's shape against the weight, reads it (float32 only), warns on NaN/Inf and sets it. */
    static void assign(Hdf5File h5, String path, Weight w, String label) {
        int[] shape = h5.shape(path);
        if (!java.util.Arrays.equals(shape, w.shape())) {
            throw new DataFormatException(h5.where() + ": weight " + label + " (" + path + ") has shape " + java.util.Arrays.toString(shape)
                    + " but the model expects " + java.util.Arrays.toString(w.shape()));
        }
        float[] v = h5.float32(path);
        warnIfNonFinite(v, h5.where(), label);
        w.set(v);
    }

    /** Loading keeps NaN or infinite weights (they may be intended) but says so, naming the weight. */
    static void warnIfNonFinite(float[] v, String where, String label) {
        for (float f : v) {
            if (!Float.isFinite(f)) {
                System.err.println("keel: warning: " + where + ": weight '" + label + "' contains " + f);
                return;
            }
        }
    }

    private static void loadOptimizer(Sequential model, Hdf5File h5) {
        Optimizer opt = model.optimizer();
        if (!h5.exists("optimizer/vars")) return;   // saved before the optimizer existed: fresh state
        List<String> names = h5.children("optimizer/vars");
        if (names.isEmpty()) return;
        List<Parameter> params = model.trainableParameters();
        List<Optimizer.SlotVariable> slots = opt.slotVariables(params);
        int first = opt.hasSchedule() ? 1 : 2;   // Keras has no learning_rate variable under a schedule
        int expected = first + slots.size();
        if (names.size() != expected && names.size() != first) {
            throw new DataFormatException(h5.where() + ": optimizer/vars holds " + names.size() + " variables but " + opt.name() + " on this model has "
                    + expected + " (iteration" + (first == 2 ? ", learning_rate" : "") + " and " + slots.size() + " slots)");
        }
        long iterations = h5.integerScalar("optimizer/vars/0");
        if (iterations < 0) throw new DataFormatException(h5.where() + ": negative optimizer iteration count " + iterations);
        opt.setIterations(iterations);
        if (first == 2) {
            float[] lr = h5.float32("optimizer/vars/1");
            if (lr.length != 1 || !(lr[0] > 0) || !Float.isFinite(lr[0])) {
                throw new DataFormatException(h5.where() + ": optimizer learning_rate must be one positive finite number");
            }
            opt.setLearningRate(lr[0]);
        }
        if (names.size() == first) return;   // built optimizer without slots yet
        for (int k = 0; k < slots.size(); k++) {
            String path = "optimizer/vars/" + (k + first);
            float[] target = slots.get(k).value();
            if (!java.util.Arrays.equals(h5.shape(path), slots.get(k).variable().shape())) {
                throw new DataFormatException(h5.where() + ": optimizer slot " + path + " has shape " + java.util.Arrays.toString(h5.shape(path))
                        + ", expected " + java.util.Arrays.toString(slots.get(k).variable().shape()));
            }
            float[] v = h5.float32(path);
            System.arraycopy(v, 0, target, 0, target.length);
        }
    }
}
