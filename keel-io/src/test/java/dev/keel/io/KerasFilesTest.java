package dev.keel.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.Tensor;
import dev.keel.io.hdf5.Hdf5File;
import dev.keel.io.hdf5.Hdf5Writer;
import dev.keel.io.models.KerasFormat;
import dev.keel.io.models.LegacyH5Format;
import dev.keel.io.models.ModelFiles;
import dev.keel.layers.core.Dense;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.activations.Activation;
import dev.keel.models.Sequential;
import dev.keel.optimizers.Adam;
import dev.keel.optimizers.Optimizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keras 3 {@code .keras} and Keras 2 {@code .h5} files. The reference files were written by h5py/libhdf5 in
 * Keras's layouts from the TF.js fixtures (tools/fixtures/make_keras_files.py), so Keel must reproduce
 * TensorFlow.js's predictions from them; Keel's own .keras files are read back by h5py when it is installed.
 */
class KerasFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path keras(String file) throws Exception {
        return Path.of(KerasFilesTest.class.getResource("/keras/" + file).toURI());
    }

    private static void assertMatchesTfjs(String name, Sequential m) throws Exception {
        JsonNode e = JSON.readTree(TfjsFormatTest.fixture(name).resolve("expected.json").toFile());
        int[] shape = JSON.treeToValue(e.get("input_shape"), int[].class);
        Tensor x = new Tensor(JSON.treeToValue(e.get("x"), float[].class), shape);
        float[] want = JSON.treeToValue(e.get("y"), float[].class), got = m.predict(x).data();
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5, name + " output " + i);
    }

    @ParameterizedTest
    @ValueSource(strings = {"article", "bn_custom", "center_scale_off", "flatten"})
    void kerasFilesReproduceTensorFlowJsPredictions(String name) throws Exception {
        assertMatchesTfjs(name, ModelFiles.load(keras(name + ".keras")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"article", "bn_custom", "center_scale_off", "flatten"})
    void legacyH5FilesReproduceTensorFlowJsPredictions(String name) throws Exception {
        assertMatchesTfjs(name, ModelFiles.load(keras(name + ".h5")));
    }

    @Test
    void compiledKerasFileRestoresOptimizerState() throws Exception {
        Path file = keras("bn_custom.keras");
        Sequential m = ModelFiles.load(file);
        assertNotNull(m.optimizer());
        assertEquals("adam", m.optimizer().name());
        assertEquals(0.0025, m.optimizer().currentLearningRate(), 1e-9);
        assertEquals(7, m.optimizer().iterations());
        assertEquals("categorical_crossentropy", m.loss().name());
        assertEquals(List.of("accuracy"), m.metricNames());
        List<Optimizer.SlotVariable> slots = m.optimizer().slotVariables(m.trainableParameters());
        byte[] h5;
        try (ZipFile z = new ZipFile(file.toFile())) {
            h5 = z.getInputStream(z.getEntry("model.weights.h5")).readAllBytes();
        }
        try (Hdf5File f = Hdf5File.open(h5, "ref")) {
            for (int k = 0; k < slots.size(); k++) {
                assertArrayEquals(f.float32("optimizer/vars/" + (k + 2)), slots.get(k).value(), "slot " + k);
            }
            // Keras's interleaving: slot 2 is the first variable's momentum, slot 3 its velocity
            assertEquals(m.trainableParameters().get(0).size(), f.float32("optimizer/vars/3").length);
        }
    }

    private static Sequential trainedModel() {
        Sequential m = new Sequential(Dense.builder(6).activation(Activation.RELU).inputDim(5).build(), new BatchNormalization(),
                new Dense(3, Activation.SOFTMAX)).seed(3);
        m.compile(new Adam(0.01), "categorical_crossentropy", "accuracy");
        return m;
    }

    private static Tensor[] data() {
        float[] x = new float[40 * 5], y = new float[40 * 3];
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 5; j++) x[i * 5 + j] = (float) Math.sin(i * 1.3 + j);
            y[i * 3 + (i % 3)] = 1;
        }
        return new Tensor[] {Tensor.of(x, 40, 5), Tensor.of(y, 40, 3)};
    }

    @Test
    void savedModelReloadsBitIdenticallyAndContinuesTrainingExactly() throws Exception {
        Tensor[] d = data();
        Sequential a = trainedModel();
        a.fit(d[0], d[1], dev.keel.trainers.FitConfig.builder().epochs(2).batchSize(8).shuffle(false).verbose(0).build());
        Path file = tmp.resolve("m.keras");
        KerasFormat.save(a, file);
        Sequential b = ModelFiles.load(file);
        assertArrayEquals(a.predict(d[0]).data(), b.predict(d[0]).data());
        assertEquals(a.optimizer().iterations(), b.optimizer().iterations());
        // one more epoch on both: identical only if the Adam moments and step count were restored
        var cfg = dev.keel.trainers.FitConfig.builder().epochs(1).batchSize(8).shuffle(false).verbose(0).build();
        a.fit(d[0], d[1], cfg);
        b.fit(d[0], d[1], cfg);
        float[][] wa = a.getWeights(), wb = b.getWeights();
        for (int i = 0; i < wa.length; i++) assertArrayEquals(wa[i], wb[i], "weight " + i + " after continuing");
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(1, files.count(), "only the .keras file, no temp files");
        }
    }

    @Test
    void scheduledOptimizerRoundTripsAndContinuesExactly() throws Exception {
        Tensor[] d = data();
        Sequential a = new Sequential(Dense.builder(6).activation(Activation.RELU).inputDim(5).build(), new BatchNormalization(),
                new Dense(3, Activation.SOFTMAX)).seed(5);
        var schedule = new dev.keel.optimizers.schedules.ExponentialDecay(0.05, 3, 0.9, false);
        a.compile(new dev.keel.optimizers.SGD(new Optimizer.Common(0.05).schedule(schedule), 0.9, true), "categorical_crossentropy", "accuracy");
        var cfg = dev.keel.trainers.FitConfig.builder().epochs(1).batchSize(8).shuffle(false).verbose(0).build();
        a.fit(d[0], d[1], cfg);
        Path file = tmp.resolve("s.keras");
        KerasFormat.save(a, file);
        String config = new String(entriesOf(file).get("config.json"), StandardCharsets.UTF_8);
        assertTrue(config.contains("\"class_name\":\"ExponentialDecay\""), config);
        Sequential b = ModelFiles.load(file);
        assertTrue(b.optimizer().hasSchedule());
        assertEquals(a.optimizer().currentLearningRate(), b.optimizer().currentLearningRate(), 1e-12);
        a.fit(d[0], d[1], cfg);
        b.fit(d[0], d[1], cfg);
        float[][] wa = a.getWeights(), wb = b.getWeights();
        for (int i = 0; i < wa.length; i++) assertArrayEquals(wa[i], wb[i], "weight " + i + " after continuing");
    }

    static Map<String, byte[]> entriesOf(Path file) throws Exception {
        Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        try (ZipFile z = new ZipFile(file.toFile())) {
            for (var en = z.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                out.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        return out;
    }

    @Test
    void uncompiledModelSavesWithoutOptimizer() throws Exception {
        Sequential m = new Sequential(Dense.builder(4).inputDim(3).build(), new BatchNormalization());
        m.build(3);
        Path file = tmp.resolve("u.keras");
        ModelFiles.save(m, file);
        Sequential back = ModelFiles.load(file);
        assertNull(back.optimizer());
        assertArrayEquals(m.getWeights()[0], back.getWeights()[0]);
    }

    /** h5py (libhdf5, the reference HDF5 implementation) reads Keel's weights file in Keras's layout. */
    @Test
    void h5pyReadsKeelsKerasFile() throws Exception {
        Path py = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(py), "no /usr/bin/python3");
        Process probe = new ProcessBuilder(py.toString(), "-c", "import h5py, numpy").redirectErrorStream(true).start();
        Assumptions.assumeTrue(probe.waitFor() == 0, "python3-h5py is not installed");
        Tensor[] d = data();
        Sequential m = trainedModel();
        m.fit(d[0], d[1], dev.keel.trainers.FitConfig.builder().epochs(1).batchSize(8).shuffle(false).verbose(0).build());
        Path file = tmp.resolve("k.keras");
        KerasFormat.save(m, file);
        String script = String.join("\n",
                "import sys, json, zipfile, io, h5py",
                "z = zipfile.ZipFile(sys.argv[1])",
                "f = h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r')",
                "out = {}",
                "f.visititems(lambda n, o: out.__setitem__(n, o[()].ravel().tolist() if o.shape else o[()].item()) if isinstance(o, h5py.Dataset) else None)",
                "out['_groups'] = sorted(k for k in f.keys())",
                "out['_config'] = json.loads(z.read('config.json'))['config']['layers'][1]['class_name']",
                "print(json.dumps(out))");
        Process p = new ProcessBuilder(py.toString(), "-c", script, file.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        JsonNode r = JSON.readTree(output);
        assertEquals("[\"layers\",\"optimizer\",\"vars\"]", r.get("_groups").toString());
        assertEquals("Dense", r.get("_config").asText());
        assertArrayEquals(m.layers().get(0).weights().get(0).value(), JSON.treeToValue(r.get("layers/dense/vars/0"), float[].class));
        assertArrayEquals(m.layers().get(1).weights().get(3).value(), JSON.treeToValue(r.get("layers/batch_normalization/vars/3"), float[].class));
        assertArrayEquals(m.layers().get(2).weights().get(1).value(), JSON.treeToValue(r.get("layers/dense_1/vars/1"), float[].class));
        assertEquals(m.optimizer().iterations(), r.get("optimizer/vars/0").asLong());
        List<Optimizer.SlotVariable> slots = m.optimizer().slotVariables(m.trainableParameters());
        assertEquals(2 + slots.size(), r.properties().stream().filter(e -> e.getKey().startsWith("optimizer/vars/")).count());
        assertArrayEquals(slots.get(1).value(), JSON.treeToValue(r.get("optimizer/vars/3"), float[].class));
    }

    // ---- hostile and wrong files ----

    private Path zip(String name, Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return Files.write(tmp.resolve(name), b.toByteArray());
    }

    private static Map<String, byte[]> entries(String fixture) throws Exception {
        return entriesOf(keras(fixture));
    }

    private static String message(Path p) {
        return assertThrows(DataFormatException.class, () -> ModelFiles.load(p)).getMessage();
    }

    @Test
    void zipSlipEntryIsRefused() throws Exception {
        Map<String, byte[]> e = entries("article.keras");
        e.put("../../evil.sh", "rm -rf /".getBytes(StandardCharsets.UTF_8));
        assertTrue(message(zip("slip.keras", e)).contains("path traversal"));
    }

    @Test
    void zipBombIsBoundedNotExpanded() throws Exception {
        Map<String, byte[]> e = entries("article.keras");
        e.put("config.json", new byte[(64 << 20) + 16]);   // 64 MiB of zeros compresses to ~64 KiB
        String msg = message(zip("bomb.keras", e));
        assertTrue(msg.contains("zip bomb"), msg);
    }

    @Test
    void wrongWeightShapeAndCountAreNamed() throws Exception {
        Map<String, byte[]> e = entries("article.keras");
        Hdf5Writer.Group root = new Hdf5Writer.Group();
        root.group("vars");
        root.group("layers").group("dense").group("vars").float32("0", new long[] {2, 2}, new float[4]);
        e.put("model.weights.h5", Hdf5Writer.write(root));
        String msg = message(zip("shape.keras", e));
        assertTrue(msg.contains("weights in the file") || msg.contains("shape"), msg);
    }

    @Test
    void truncatedWeightsAndUnknownLayersGiveClearErrors() throws Exception {
        Map<String, byte[]> e = entries("article.keras");
        byte[] h5 = e.get("model.weights.h5");
        e.put("model.weights.h5", java.util.Arrays.copyOf(h5, h5.length / 2));
        assertTrue(message(zip("trunc.keras", e)).contains("model.weights.h5"));
        Map<String, byte[]> u = entries("article.keras");
        u.put("config.json", new String(u.get("config.json"), StandardCharsets.UTF_8).replace("\"Dense\"", "\"Conv2D\"").getBytes(StandardCharsets.UTF_8));
        assertTrue(message(zip("conv.keras", u)).contains("unsupported layer class 'Conv2D'"));
        Map<String, byte[]> none = entries("article.keras");
        none.remove("config.json");
        assertTrue(message(zip("noconfig.keras", none)).contains("no config.json"));
    }

    @Test
    void weightsOnlyH5IsExplained() throws Exception {
        Hdf5Writer.Group root = new Hdf5Writer.Group();
        root.group("layers").group("dense").group("vars").float32("0", new long[] {1}, new float[] {1});
        Path p = Files.write(tmp.resolve("w.weights.h5"), Hdf5Writer.write(root));
        assertTrue(assertThrows(DataFormatException.class, () -> LegacyH5Format.load(p)).getMessage().contains("weights only"));
    }
}
