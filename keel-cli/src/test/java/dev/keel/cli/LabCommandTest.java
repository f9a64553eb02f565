package dev.keel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.io.datasets.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabCommandTest {
    @Test
    void gradientsExperimentWritesReportPlotAndVerdict(@TempDir Path out) throws Exception {
        assumeTrue(Files.exists(FashionMnist.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz")), "Fashion-MNIST is not installed");
        Object[] r = DemoCommandTest.run("lab", "gradients", "--quick", "--out", out.toString());
        assertEquals(0, r[0], (String) r[2]);
        String md = Files.readString(out.resolve("gradients.md"));
        assertTrue(md.contains("**Verdict — BN mitigates vanishing/exploding gradients:"), md);
        assertTrue(md.contains("| layer 20 |"), md);
        assertTrue(Files.size(out.resolve("gradients.png")) > 1000);
        assertTrue(((String) r[1]).contains("Verdict —"), (String) r[1]);
    }

    @Test
    void unknownExperimentListsTheValidOnes() {
        Object[] r = DemoCommandTest.run("lab", "speed");
        assertEquals(1, r[0]);
        assertTrue(((String) r[2]).contains("valid: convergence, learning-rate, initialization, gradients, order, paper-figure-1, batch-size, all"), (String) r[2]);
    }
}
