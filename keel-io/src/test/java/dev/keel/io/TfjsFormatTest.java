package dev.keel.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.Tensor;
import dev.keel.io.models.ModelFiles;
import dev.keel.io.models.TfjsFormat;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.models.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TF.js layers-format models written by TensorFlow.js itself (tools/fixtures/generate.js), and hostile variants. */
class TfjsFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path fixture(String name) throws Exception {
        return Path.of(TfjsFormatTest.class.getResource("/tfjs/" + name + "/model.json").toURI()).getParent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"article", "bn_custom", "center_scale_off", "flatten"})
    void predictionsMatchTensorFlowJs(String name) throws Exception {
        Path dir = fixture(name);
        Sequential m = ModelFiles.load(dir);
        JsonNode e = JSON.readTree(dir.resolve("expected.json").toFile());
        int[] shape = JSON.treeToValue(e.get("input_shape"), int[].class);
        Tensor x = new Tensor(JSON.treeToValue(e.get("x"), float[].class), shape);
        float[] want = JSON.treeToValue(e.get("y"), float[].class), got = m.predict(x).data();
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5, name + " output " + i);
    }

    @Test
    void batchNormalizationSettingsSurviveLoading() throws Exception {
        Sequential m = ModelFiles.load(fixture("bn_custom"));
        BatchNormalization bn = (BatchNormalization) m.layers().get(1);
        assertEquals(0.9, bn.momentum(), 1e-9);
        assertEquals(1e-5, bn.epsilon(), 1e-12);
        Sequential off = ModelFiles.load(fixture("center_scale_off"));
        assertEquals(false, ((BatchNormalization) off.layers().get(1)).center());
        assertEquals(false, ((BatchNormalization) off.layers().get(3)).scale());
    }

    @Test
    void savedModelReloadsToBitIdenticalPredictions() throws Exception {
        Sequential m = ModelFiles.load(fixture("article"));
        Path out = tmp.resolve("saved");
        TfjsFormat.save(m, out);
        Sequential back = ModelFiles.load(out.resolve("model.json"));
        float[] x = new float[7 * 20];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.cos(i);
        assertArrayEquals(m.predict(Tensor.of(x, 7, 20)).data(), back.predict(Tensor.of(x, 7, 20)).data());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(2, files.count(), "model.json and one shard, no temp files");
        }
    }

    /** Copies a fixture and applies an edit to model.json (as text) or the shard. */
    private Path variant(String jsonFrom, String jsonTo, int shardBytesDelta) throws Exception {
        Path src = fixture("bn_custom"), dir = Files.createTempDirectory(tmp, "v");
        String json = JSON.writeValueAsString(JSON.readTree(src.resolve("model.json").toFile()));   // compact, for editing
        if (jsonFrom != null) {
            assertTrue(json.contains(jsonFrom), "fixture should contain " + jsonFrom);
            json = json.replaceFirst(java.util.regex.Pattern.quote(jsonFrom), java.util.regex.Matcher.quoteReplacement(jsonTo));
        }
        Files.writeString(dir.resolve("model.json"), json);
        byte[] shard = Files.readAllBytes(src.resolve("group1-shard1of1.bin"));
        Files.write(dir.resolve("group1-shard1of1.bin"), java.util.Arrays.copyOf(shard, shard.length + shardBytesDelta));
        return dir;
    }

    private static void assertRefused(Path dir, String fragment) {
        var e = assertThrows(DataFormatException.class, () -> ModelFiles.load(dir));
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    @Test
    void hostileOrBrokenFilesGetClearErrors() throws Exception {
        assertRefused(variant(null, null, -4), "truncated");
        assertRefused(variant(null, null, 1 << 10), "oversized");
        assertRefused(variant("group1-shard1of1.bin", "../../etc/passwd", 0), "refusing weight shard path");
        assertRefused(variant("\"class_name\":\"Dense\"", "\"class_name\":\"Conv2D\"", 0), "unsupported layer class 'Conv2D'");
        assertRefused(variant("\"units\":8", "\"units\":8,\"wobble\":3", 0), "argument Keel does not know: 'wobble'");
        assertRefused(variant("\"dtype\":\"float32\"}", "\"dtype\":\"int8\"}", 0), "layer dtype int8 is not supported");
        assertRefused(variant("\"dtype\":\"float32\"}]}]", "\"dtype\":\"float16\"}]}]", 0), "float32 weights only");
        assertRefused(variant("\"class_name\":\"Sequential\"", "\"class_name\":\"Functional\"", 0), "Keel reads Sequential models");
        assertRefused(variant("\"shape\":[6,8]", "\"shape\":[600000000,800000000]", 0), "too large");
        Path deep = tmp.resolve("deep.json");
        Files.writeString(deep, "{\"modelTopology\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        assertRefused(deep, "not valid model JSON");
        Path keras = tmp.resolve("model.keras");
        Files.write(keras, new byte[] {'P', 'K', 3, 4, 0, 0});
        assertRefused(keras, "is not a readable .keras zip");
        assertRefused(tmp.resolve("nothing"), "no model file");
    }
}
