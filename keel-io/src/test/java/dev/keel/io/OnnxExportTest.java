package dev.keel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.keel.Tensor;
import dev.keel.activations.Activation;
import dev.keel.io.models.ModelFiles;
import dev.keel.io.onnx.OnnxExport;
import dev.keel.layers.activations.ActivationLayer;
import dev.keel.layers.core.Dense;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.layers.normalization.LayerNormalization;
import dev.keel.layers.preprocessing.Normalization;
import dev.keel.layers.preprocessing.Rescaling;
import dev.keel.layers.regularization.Dropout;
import dev.keel.models.Sequential;
import dev.keel.trainers.FitConfig;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Keel's ONNX exports run in ONNX Runtime and give Keel's predictions within 1e-5. */
class OnnxExportTest {
    @TempDir
    Path tmp;

    private static float[] runOnnx(byte[] model, Tensor x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), toLong(x.shape()));
             OrtSession.Result r = s.run(Map.of("input", in))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            FloatBuffer fb = out.getFloatBuffer();
            float[] v = new float[fb.remaining()];
            fb.get(v);
            return v;
        }
    }

    private static long[] toLong(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) l[i] = s[i];
        return l;
    }

    private static Tensor input(int rows, int... features) {
        int n = rows;
        for (int f : features) n *= f;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.sin(i * 0.37) * 2;
        int[] shape = new int[features.length + 1];
        shape[0] = rows;
        System.arraycopy(features, 0, shape, 1, features.length);
        return new Tensor(x, shape);
    }

    private static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + " length");
        double max = 0;
        for (int i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i] - got[i]));
        assertTrue(max <= tol, what + ": max |Keel − ONNX Runtime| = " + max);
    }

    /** The article's model, trained a little so BN's statistics are not the identity. */
    private static Sequential article() {
        Sequential m = new Sequential(Dense.builder(32).activation(Activation.RELU).inputDim(20).build(), new BatchNormalization(),
                new Dense(16, Activation.RELU), new BatchNormalization(), new Dropout(0.2), new Dense(10, Activation.SOFTMAX)).seed(1);
        m.compile("adam", "categorical_crossentropy", "accuracy");
        Tensor x = input(64, 20);
        float[] y = new float[64 * 10];
        for (int i = 0; i < 64; i++) y[i * 10 + i % 10] = 1;
        m.fit(x, Tensor.of(y, 64, 10), FitConfig.builder().epochs(3).batchSize(16).verbose(0).build());
        return m;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void articleModelMatchesOnnxRuntime(boolean fold) throws Exception {
        Sequential m = article();
        Tensor x = input(33, 20);
        assertClose(m.predict(x).data(), runOnnx(OnnxExport.toBytes(m, fold), x), 1e-5, "article, fold=" + fold);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void everyActivationMatchesOnnxRuntime(Activation a) throws Exception {
        Sequential m = new Sequential(Dense.builder(12).activation(a).inputDim(7).build(), new BatchNormalization(), new ActivationLayer(a),
                new Dense(5)).seed(4);
        m.build(7);
        Tensor x = input(9, 7);
        assertClose(m.predict(x).data(), runOnnx(OnnxExport.toBytes(m, true), x), 1e-5, a.toString());
    }

    @Test
    void preprocessingAndLayerNormMatchOnnxRuntime() throws Exception {
        Tensor x = input(50, 6);
        Sequential m = new Sequential(new Rescaling(0.5, 0.25), new Normalization().adapt(x), Dense.builder(8).useBias(false).build(),
                BatchNormalization.builder().momentum(0.9).epsilon(1e-5).center(false).scale(false).build(), new ActivationLayer(Activation.TANH), new LayerNormalization(),
                new Dense(3), new Normalization(new float[] {1, 2, 3}, new float[] {4, 0.25f, 9}, true)).seed(2);
        m.build(6);
        assertClose(m.predict(x).data(), runOnnx(OnnxExport.toBytes(m, true), x), 1e-5, "preprocessing");
    }

    @Test
    void exportedFileIsWrittenAndUnsupportedLayersAreNamed() throws Exception {
        Sequential m = ModelFiles.load(TfjsFormatTest.fixture("flatten"));
        Path out = tmp.resolve("m.onnx");
        OnnxExport.write(m, out, true);
        Tensor x = input(4, m.inputShape());
        assertClose(m.predict(x).data(), runOnnx(java.nio.file.Files.readAllBytes(out), x), 1e-5, "flatten fixture");
        Sequential unbuilt = new Sequential(new Dense(3));
        assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(unbuilt, true));
    }
}
