package dev.keel.layers;

import static dev.keel.testing.Fixtures.assertClose;
import static dev.keel.testing.Fixtures.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.activations.Activation;
import dev.keel.layers.core.Dense;
import dev.keel.testing.Fixtures;
import org.junit.jupiter.api.Test;

class DenseTest {
    @Test
    void matchesTensorFlowJsForEveryActivation() {
        JsonNode f = Fixtures.load("dense.json");
        int batch = f.get("batch").asInt(), in = f.get("in").asInt(), units = f.get("units").asInt();
        float[] x = floats(f.get("x"));
        for (JsonNode c : f.get("cases")) {
            String act = c.get("activation").asText();
            Dense d = Dense.builder(units).activation(act).build();
            d.build(new int[] {in}, 0);
            d.weight("kernel").set(floats(f.get("kernel")));
            d.weight("bias").set(floats(f.get("bias")));
            Layer.Scratch s = d.newScratch(batch);
            float[] y = new float[batch * units], dx = new float[batch * in];
            d.forward(x, y, batch, true, s);
            assertClose(floats(c.get("y")), y, 1e-5, 1e-6, act + " y");
            d.backward(x, y, floats(f.get("dy")), dx, batch, s);
            assertClose(floats(c.get("dx")), dx, 1e-4, 1e-5, act + " dx");
            assertClose(floats(c.get("dkernel")), ((Parameter) d.weight("kernel")).grad(), 1e-4, 1e-5, act + " dkernel");
            assertClose(floats(c.get("dbias")), ((Parameter) d.weight("bias")).grad(), 1e-4, 1e-5, act + " dbias");
        }
    }

    @Test
    void kernelShapeAndParamCountFollowKeras() {
        Dense d = new Dense(128, Activation.RELU);
        d.build(new int[] {784}, 0);
        assertEquals(100_480, d.countAll());
        assertEquals(784, d.weight("kernel").shape()[0]);
        assertEquals(128, d.weight("kernel").shape()[1]);
    }

    @Test
    void glorotUniformKernelStaysWithinItsLimit() {
        Dense d = new Dense(64);
        d.build(new int[] {100}, 7);
        double limit = Math.sqrt(6.0 / (100 + 64));
        for (float v : d.weight("kernel").value()) assertTrue(Math.abs(v) <= limit);
    }

    @Test
    void invalidConfigurationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Dense(0));
        var e = assertThrows(IllegalArgumentException.class, () -> Dense.builder(3).activation("relu6x").build());
        assertTrue(e.getMessage().contains("Valid:"), e.getMessage());
    }
}
