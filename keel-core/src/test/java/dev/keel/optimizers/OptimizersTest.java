package dev.keel.optimizers;

import static dev.keel.testing.Fixtures.assertClose;
import static dev.keel.testing.Fixtures.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.layers.Parameter;
import dev.keel.optimizers.schedules.CosineDecay;
import dev.keel.optimizers.schedules.ExponentialDecay;
import dev.keel.optimizers.schedules.PiecewiseConstantDecay;
import dev.keel.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizersTest {
    private static final JsonNode F = Fixtures.load("optimizers.json");

    private static void trajectory(Optimizer opt, String fixture) {
        float[] w0 = floats(F.get("w0"));
        Parameter p = new Parameter("w", new int[] {w0.length}, null, null);
        p.set(w0);
        JsonNode grads = F.get("grads"), traj = F.get(fixture).get("trajectory");
        for (int s = 0; s < grads.size(); s++) {
            System.arraycopy(floats(grads.get(s)), 0, p.grad(), 0, w0.length);
            opt.apply(List.of(p));
            assertClose(floats(traj.get(s)), p.value(), 2e-5, 1e-6, fixture + " step " + (s + 1));
        }
    }

    @Test
    void matchTensorFlowJsTrajectories() {
        trajectory(new SGD(0.1), "sgd");
        trajectory(new SGD(0.05, 0.9, false), "sgd_momentum");
        trajectory(new SGD(0.05, 0.9, true), "sgd_nesterov");
        trajectory(new RMSprop(new Optimizer.Common(0.01), 0.9, 0, 1e-7, false), "rmsprop");
        trajectory(new RMSprop(new Optimizer.Common(0.01), 0.8, 0.5, 1e-12, true), "rmsprop_centered_momentum");
        trajectory(new Adagrad(new Optimizer.Common(0.1), 0.1, 1e-7), "adagrad");
        trajectory(new Adam(new Optimizer.Common(0.01), 0.9, 0.999, 1e-10, false), "adam");
    }

    @Test
    void adamPlacesEpsilonAsKerasDoes() {
        // Keras: w −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε), at t = 1 with g = 1e-4.
        Parameter p = new Parameter("w", new int[] {1}, null, null);
        p.grad()[0] = 1e-4f;
        new Adam(new Optimizer.Common(0.1), 0.9, 0.999, 1e-3, false).apply(List.of(p));
        double m = 0.1 * 1e-4, v = 0.001 * 1e-8;
        double expected = -0.1 * Math.sqrt(1 - 0.999) / (1 - 0.9) * m / (Math.sqrt(v) + 1e-3);
        assertEquals(expected, p.value()[0], 1e-9);
    }

    /**
     * Slots that decay (momentum, RMSprop's averages, Adam's moments) must never keep a subnormal value: an x86 core
     * takes a microcode assist on each one (32× slower Adam on an Intel Xeon). A gradient of 1e-18 (its square is subnormal), then none.
     */
    @Test
    void decayingSlotsAreFlushedToZeroNotLeftSubnormal() {
        List<Optimizer> optimizers = List.of(new SGD(0.05, 0.9, false), new SGD(0.05, 0.9, true),
                new RMSprop(new Optimizer.Common(0.01), 0.9, 0.5, 1e-7, true), new Adam(),
                new Adam(new Optimizer.Common(1e-3), 0.9, 0.5, 1e-7, true));
        for (Optimizer opt : optimizers) {
            Parameter p = new Parameter("w", new int[] {21}, null, null);
            java.util.Arrays.fill(p.grad(), 1e-18f);
            opt.apply(List.of(p));
            java.util.Arrays.fill(p.grad(), 0f);
            for (int step = 0; step < 2000; step++) {
                opt.apply(List.of(p));
                for (Optimizer.SlotVariable slot : opt.slotVariables(List.of(p))) {
                    for (float x : slot.value()) {
                        assertTrue(x == 0 || Math.abs(x) >= Float.MIN_NORMAL,
                                opt.name() + " kept a subnormal " + x + " at step " + step);
                    }
                }
            }
        }
    }

    /**
     * Adam updates all variables in one job (split over the threads while a worker is awake): the result must be
     * each variable's own update, with clipping and weight decay before it and constraints after it; a variable
     * listed twice (a shared layer) is updated twice, as variable by variable.
     */
    @Test
    void adamOverAllVariablesAtOnceIsEachVariablesOwnUpdate() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        int[] sizes = {70_001, 33, 8, 1};
        for (Optimizer.Common common : List.of(new Optimizer.Common(1e-2), new Optimizer.Common(1e-2).clipnorm(0.5),
                new Optimizer.Common(1e-2).weightDecay(0.1))) {
            List<Parameter> all = new java.util.ArrayList<>();
            List<List<Parameter>> alone = new java.util.ArrayList<>();
            for (int size : sizes) {
                Parameter a = new Parameter("w", new int[] {size}, null, null), b = new Parameter("w", new int[] {size}, null, null);
                for (int i = 0; i < size; i++) a.value()[i] = b.value()[i] = (float) r.nextDouble(-1, 1);
                all.add(a);
                alone.add(List.of(b));
            }
            Optimizer together = new Adam(common, 0.9, 0.999, 1e-7, false);
            List<Optimizer> separate = new java.util.ArrayList<>();
            for (int i = 0; i < sizes.length; i++) separate.add(new Adam(common, 0.9, 0.999, 1e-7, false));
            for (int step = 0; step < 3; step++) {
                for (int v = 0; v < sizes.length; v++) {
                    for (int i = 0; i < sizes[v]; i++) all.get(v).grad()[i] = alone.get(v).get(0).grad()[i] = (float) r.nextDouble(-0.1, 0.1);
                }
                dev.keel.kernels.Parallel.forEach(2, c -> {});   // wake the worker, so that the job may be split
                together.apply(all);
                for (int v = 0; v < sizes.length; v++) separate.get(v).apply(alone.get(v));
            }
            for (int v = 0; v < sizes.length; v++) {
                assertTrue(java.util.Arrays.equals(alone.get(v).get(0).value(), all.get(v).value()), "variable " + v + " with " + common);
            }
        }
        Parameter shared = new Parameter("w", new int[] {1}, null, null), once = new Parameter("w", new int[] {1}, null, null);
        shared.grad()[0] = once.grad()[0] = 0.5f;
        new Adam().apply(List.of(shared, shared));
        Adam twice = new Adam();
        twice.apply(List.of(once));
        assertTrue(shared.value()[0] != 0 && shared.value()[0] != once.value()[0], "a variable listed twice was updated once");
    }

    @Test
    void adamWDecaysWeightsBeforeTheUpdate() {
        Parameter p = new Parameter("w", new int[] {1}, null, null);
        p.set(new float[] {2f});
        new AdamW(0.1, 0.5).apply(List.of(p));   // zero gradient: only the decay acts
        assertEquals(2f * (1 - 0.5 * 0.1), p.value()[0], 1e-6);
    }

    @Test
    void clippingByNormValueAndGlobalNorm() {
        Parameter a = new Parameter("a", new int[] {2}, null, null), b = new Parameter("b", new int[] {1}, null, null);
        a.grad()[0] = 3; a.grad()[1] = 4; b.grad()[0] = 12;
        new SGD(new Optimizer.Common(1).globalClipnorm(1.3), 0, false).apply(List.of(a, b));  // global norm 13 → ×0.1
        assertClose(new float[] {-0.3f, -0.4f}, a.value(), 1e-6, 1e-6, "global clip a");
        assertClose(new float[] {-1.2f}, b.value(), 1e-6, 1e-6, "global clip b");
        Parameter c = new Parameter("c", new int[] {2}, null, null);
        c.grad()[0] = 3; c.grad()[1] = 4;
        new SGD(new Optimizer.Common(1).clipnorm(1), 0, false).apply(List.of(c));
        assertClose(new float[] {-0.6f, -0.8f}, c.value(), 1e-6, 1e-6, "clipnorm");
        Parameter d = new Parameter("d", new int[] {2}, null, null);
        d.grad()[0] = 3; d.grad()[1] = -0.2f;
        new SGD(new Optimizer.Common(1).clipvalue(0.5), 0, false).apply(List.of(d));
        assertClose(new float[] {-0.5f, 0.2f}, d.value(), 1e-6, 1e-6, "clipvalue");
        assertThrows(IllegalArgumentException.class, () -> new SGD(new Optimizer.Common(1).clipnorm(1).clipvalue(1), 0, false));
    }

    @Test
    void schedulesFollowKerasFormulas() {
        assertEquals(0.1 * Math.pow(0.5, 250 / 100.0), new ExponentialDecay(0.1, 100, 0.5, false).at(250), 1e-12);
        assertEquals(0.1 * 0.25, new ExponentialDecay(0.1, 100, 0.5, true).at(250), 1e-12);
        assertEquals(0.1, new CosineDecay(0.1, 100, 0).at(0), 1e-12);
        assertEquals(0.05, new CosineDecay(0.1, 100, 0).at(50), 1e-12);
        assertEquals(0.01, new CosineDecay(0.1, 100, 0.1).at(500), 1e-12);
        var pw = new PiecewiseConstantDecay(new long[] {10, 20}, new double[] {1, 0.5, 0.1});
        assertEquals(1, pw.at(10));
        assertEquals(0.5, pw.at(11));
        assertEquals(0.1, pw.at(21));
        Optimizer sgd = new SGD(new Optimizer.Common(0).schedule(new ExponentialDecay(0.1, 1, 0.5, false)), 0, false);
        Parameter p = new Parameter("w", new int[] {1}, null, null);
        p.grad()[0] = 1;
        sgd.apply(List.of(p));
        sgd.apply(List.of(p));
        assertEquals(-(0.1 + 0.05), p.value()[0], 1e-7);
    }

    @Test
    void invalidHyperparametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Adam(-1));
        assertThrows(IllegalArgumentException.class, () -> new SGD(0.1, 1.5, false));
        assertThrows(IllegalArgumentException.class, () -> new Adam(new Optimizer.Common(1e-3), 1.0, 0.999, 1e-7, false));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.of("adamax2"));
    }
}
