package dev.keel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.io.Npy;
import dev.keel.io.Npz;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir
    Path dir;

    /** Two Gaussian blobs per class in 4 features, with a large offset so that normalization matters. */
    private Path csv(int n) throws Exception {
        SplittableRandom r = new SplittableRandom(1);
        StringBuilder sb = new StringBuilder("a,b,\"c\",d,species\n");
        for (int i = 0; i < n; i++) {
            int cls = i % 3;
            for (int f = 0; f < 4; f++) sb.append(1000 + cls * 3 * (f + 1) + r.nextGaussian()).append(',');
            sb.append(cls).append('\n');
        }
        Path p = dir.resolve("data.csv");
        Files.writeString(p, sb);
        return p;
    }

    @Test
    void trainsFromCsvWithStandardizationAndWritesOutputs() throws Exception {
        Path data = csv(300), json = dir.resolve("m.json"), weights = dir.resolve("w.npz");
        Object[] r = DemoCommandTest.run("train", "--csv", data.toString(), "--label", "species", "--normalize", "standardize",
                "--layers", "dense(16, relu), batchnorm(momentum=0.9, epsilon=1e-5), dense(3, softmax)", "--epochs", "15",
                "--validation-split", "0.2", "--optimizer", "adam(learning_rate=0.01)", "--progress", "none",
                "--metrics-out", json.toString(), "--save-weights", weights.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("sparse_categorical_crossentropy"), (String) r[1]);
        JsonNode m = new ObjectMapper().readTree(json.toFile());
        double valAcc = m.get("history").get("val_accuracy").get(14).asDouble();
        assertTrue(valAcc > 0.9, "val_accuracy " + valAcc);
        assertTrue(Npz.read(weights).containsKey("normalization/mean"));
    }

    @Test
    void trainsFromNpyWithSgdSpec() throws Exception {
        SplittableRandom r = new SplittableRandom(2);
        int n = 200;
        float[] x = new float[n * 2], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) r.nextGaussian();
            x[2 * i + 1] = (float) r.nextGaussian();
            y[i] = x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0;
        }
        Path px = dir.resolve("x.npy"), py = dir.resolve("y.npy");
        try (OutputStream o = Files.newOutputStream(px)) { Npy.write(o, x, new int[] {n, 2}); }
        try (OutputStream o = Files.newOutputStream(py)) { Npy.write(o, y, new int[] {n, 1}); }
        Object[] res = DemoCommandTest.run("train", "--x", px.toString(), "--y", py.toString(), "--layers", "dense(8,tanh), dense(1,sigmoid)",
                "--optimizer", "sgd(learning_rate=0.5, momentum=0.9, nesterov=true)", "--epochs", "20", "--progress", "none");
        assertEquals(0, res[0], (String) res[2]);
        assertTrue(((String) res[1]).contains("binary_crossentropy"), (String) res[1]);
    }

    @Test
    void badInputsAreOneLineErrors() throws Exception {
        Path data = csv(30);
        String[][] cases = {
                {"no column 'kind'", "--csv", data.toString(), "--label", "kind", "--layers", "dense(3,softmax)"},
                {"unknown layer 'dens'", "--csv", data.toString(), "--label", "species", "--layers", "dens(3)"},
                {"has no argument 'momentun'", "--csv", data.toString(), "--label", "species", "--layers", "batchnorm(momentun=0.9), dense(3,softmax)"},
                {"unknown optimizer 'adamx'", "--csv", data.toString(), "--label", "species", "--layers", "dense(3,softmax)", "--optimizer", "adamx"},
                {"not a class index", "--csv", data.toString(), "--label", "species", "--layers", "dense(2,softmax)"},
                {"no such file", "--x", dir.resolve("nope.npy").toString(), "--y", dir.resolve("nope2.npy").toString(), "--layers", "dense(1)"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length];
            args[0] = "train";
            System.arraycopy(c, 1, args, 1, c.length - 1);
            Object[] r = DemoCommandTest.run(args);
            String err = (String) r[2];
            assertEquals(1, r[0], err);
            assertTrue(err.contains(c[0]), "'" + err + "' should mention " + c[0]);
            assertEquals(1, err.strip().lines().count(), err);
        }
        Path bad = dir.resolve("missing.csv");
        Files.writeString(bad, "a,b,label\n1,2,0\n3,,1\n");
        Object[] r = DemoCommandTest.run("train", "--csv", bad.toString(), "--label", "label", "--layers", "dense(2,softmax)");
        assertTrue(((String) r[2]).contains("line 3: missing value in column 'b'"), (String) r[2]);
    }
}
