package dev.keel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.Tensor;
import dev.keel.io.Npy;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --save, then summary, evaluate and predict on the saved model, and train --model to continue. */
class ModelCommandsTest {
    @TempDir
    Path dir;

    private Path[] data(int n) throws Exception {
        SplittableRandom r = new SplittableRandom(4);
        float[] x = new float[n * 5], y = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int f = 0; f < 5; f++) { x[i * 5 + f] = (float) r.nextGaussian(); s += x[i * 5 + f] * (f - 2); }
            y[i] = s > 0 ? 1 : 0;
        }
        Path px = dir.resolve("x.npy"), py = dir.resolve("y.npy");
        try (OutputStream o = Files.newOutputStream(px)) { Npy.write(o, x, new int[] {n, 5}); }
        try (OutputStream o = Files.newOutputStream(py)) { Npy.write(o, y, new int[] {n}); }
        return new Path[] {px, py};
    }

    @Test
    void savedModelServesSummaryEvaluatePredictAndFurtherTraining() throws Exception {
        Path[] d = data(400);
        Path model = dir.resolve("model");
        Object[] t = DemoCommandTest.run("train", "--x", d[0].toString(), "--y", d[1].toString(), "--layers",
                "dense(16, relu), batchnorm, dense(2, softmax)", "--epochs", "15", "--progress", "none", "--save", model.toString());
        assertEquals(0, t[0], (String) t[2]);

        Object[] s = DemoCommandTest.run("summary", "--model", model.toString());
        assertEquals(0, s[0], (String) s[2]);
        assertTrue(((String) s[1]).contains("batch_normalization (BatchNormalization)"), (String) s[1]);
        assertTrue(((String) s[1]).contains("Non-trainable params: 32"), (String) s[1]);

        Object[] e = DemoCommandTest.run("evaluate", "--model", model.resolve("model.json").toString(), "--x", d[0].toString(), "--y", d[1].toString());
        assertEquals(0, e[0], (String) e[2]);
        double acc = Double.parseDouble(((String) e[1]).replaceAll("(?s).*accuracy: ([0-9.]+).*", "$1"));
        assertTrue(acc > 0.9, "accuracy " + acc + " in " + e[1]);

        Path out = dir.resolve("p.npy");
        Object[] p = DemoCommandTest.run("predict", "--model", model.toString(), "--input", d[0].toString(), "--output", out.toString());
        assertEquals(0, p[0], (String) p[2]);
        Tensor probs = Npy.read(out);
        assertEquals(400, probs.rows());
        assertEquals(1.0, probs.data()[0] + probs.data()[1], 1e-5);

        Object[] more = DemoCommandTest.run("train", "--model", model.toString(), "--x", d[0].toString(), "--y", d[1].toString(),
                "--epochs", "1", "--progress", "none", "--save", dir.resolve("model2").toString());
        assertEquals(0, more[0], (String) more[2]);
    }

    @Test
    void kerasFileContinuesTrainingAndExportsToEveryFormat() throws Exception {
        Path[] d = data(300);
        Path keras = dir.resolve("m.keras");
        Object[] t = DemoCommandTest.run("train", "--x", d[0].toString(), "--y", d[1].toString(), "--layers",
                "dense(8, relu), batchnorm, dense(2, softmax)", "--optimizer", "sgd(learning_rate=0.05, momentum=0.9)", "--epochs", "3",
                "--progress", "none", "--save", keras.toString());
        assertEquals(0, t[0], (String) t[2]);
        Object[] more = DemoCommandTest.run("train", "--model", keras.toString(), "--x", d[0].toString(), "--y", d[1].toString(),
                "--epochs", "1", "--progress", "none", "--save", keras.toString());
        assertEquals(0, more[0], (String) more[2]);
        assertTrue(((String) more[1]).contains("optimizer: sgd (learning_rate 0.0500)"), "keeps the saved optimizer: " + more[1]);
        for (String[] f : new String[][] {{"onnx", "m.onnx"}, {"tfjs", "tfjs"}, {"keras", "copy.keras"}}) {
            Path out = dir.resolve(f[1]);
            Object[] e = DemoCommandTest.run("export", "--model", keras.toString(), "--format", f[0], "--output", out.toString());
            assertEquals(0, e[0], (String) e[2]);
            assertTrue(Files.exists(out), f[0]);
        }
        Object[] s = DemoCommandTest.run("summary", "--model", dir.resolve("tfjs").toString());
        assertEquals(0, s[0], (String) s[2]);
        Object[] bad = DemoCommandTest.run("export", "--model", keras.toString(), "--format", "pickle", "--output", "x");
        assertEquals(1, bad[0]);
        assertTrue(((String) bad[2]).contains("--format must be keras, tfjs or onnx"), (String) bad[2]);
    }

    @Test
    void missingOrForeignModelFilesAreOneLineErrors() throws Exception {
        Object[] r = DemoCommandTest.run("summary", "--model", dir.resolve("none").toString());
        assertEquals(1, r[0]);
        assertTrue(((String) r[2]).contains("no model file"), (String) r[2]);
        Path csv = dir.resolve("data.csv");
        Files.writeString(csv, "a,b\n1,2\n");
        Object[] f = DemoCommandTest.run("summary", "--model", csv.toString());
        assertEquals(1, f[0]);
        assertTrue(((String) f[2]).contains("not a model file Keel recognises"), (String) f[2]);
        assertEquals(1, ((String) f[2]).strip().lines().count());
    }
}
