package dev.keel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.io.datasets.FashionMnist;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    /** Runs the CLI with stdout and stderr captured; returns {exit code, stdout, stderr}. */
    static Object[] run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true));
            System.setErr(new PrintStream(e, true));
            int code = Main.run(args);
            return new Object[] {code, o.toString(), e.toString()};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void demoTrainsOnASliceAndWritesPlotAndMetrics(@TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(FashionMnist.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        Path png = dir.resolve("curves.png"), json = dir.resolve("m.json");
        Object[] r = run("demo", "--epochs", "2", "--limit", "3000", "--progress", "lines",
                "--plot", png.toString(), "--metrics-out", json.toString());
        assertEquals(0, r[0], (String) r[2]);
        String out = (String) r[1];
        assertTrue(out.contains("Total params: 110,154"), out);
        assertTrue(out.contains("Epoch 2/2"), out);
        assertTrue(out.contains("Test accuracy:"), out);
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', "a PNG file");
        JsonNode m = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, m.get("history").get("loss").size());
        assertEquals(2, m.get("history").get("val_accuracy").size());
        assertTrue(m.get("test").get("accuracy").asDouble() > 0.6);
        assertTrue(m.get("seconds").asDouble() > 0);
    }

    @Test
    void benchTrainPairsThreadCountsEpochByEpoch() {
        assumeTrue(Files.exists(FashionMnist.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        Object[] r = run("bench", "train", "--samples", "2048", "--batch-sizes", "256", "--threads", "1,2", "--bn", "on", "--epochs", "2", "--warmup", "0");
        assertEquals(0, r[0], (String) r[2]);
        String out = (String) r[1];
        assertTrue(out.contains("| vs 1 thread(s), paired epochs |"), out);
        // AVX-512 and AVX2 machines differ by 2x or more: a table says which one it came from.
        assertTrue(out.lines().anyMatch(l -> l.startsWith("Keel on ") && l.matches(".*GEMM micro-kernel [58]x\\d+ \\(\\d+-bit vectors\\)$")), out);
        // One thread has no second core to probe ("-"); two threads say how many probes found the cores far apart.
        assertTrue(out.lines().anyMatch(l -> l.startsWith("| with BN | 256 | 1 |") && l.endsWith("| 1.00× | - |")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("| with BN | 256 | 2 |")
                && l.matches(".*\\| \\d+\\.\\d\\d× \\(\\d+\\.\\d\\d–\\d+\\.\\d\\d\\) \\| \\d+% of [1-9]\\d* \\|$")), out);
    }

    @Test
    void missingDataIsAOneLineErrorThatSaysHowToGetIt(@TempDir Path empty) {
        Object[] r = run("demo", "--data", empty.toString());
        assertEquals(1, r[0]);
        String err = (String) r[2];
        assertTrue(err.startsWith("keel: error: Fashion-MNIST not found"), err);
        assertTrue(err.contains("apt-get install dataset-fashion-mnist"), err);
        assertEquals(1, err.strip().lines().count(), "one line, no stack trace: " + err);
    }

    @Test
    void invalidOptionsFailWithUsefulMessages() {
        Object[] r = run("demo", "--epochs", "0");
        assertEquals(1, r[0]);
        assertTrue(((String) r[2]).contains("--epochs must be >= 1"), (String) r[2]);
        Object[] unknown = run("demo", "--epoch", "3");
        assertEquals(2, unknown[0]);
        assertTrue(((String) unknown[2]).contains("Unknown option"), (String) unknown[2]);
        Object[] help = run("demo", "--help");
        assertEquals(0, help[0]);
        assertTrue(((String) help[1]).contains("--no-batchnorm"));
    }
}
