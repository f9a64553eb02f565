package dev.keel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ElementwiseTest {
    /**
     * exp never returns a subnormal: 0 where e^x is below Float.MIN_NORMAL (flush-to-zero, as TensorFlow runs),
     * the correctly rounded normal value just above, in the vector lanes and the scalar twin alike.
     */
    @Test
    void expFlushesSubnormalResultsToZero() {
        var s = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        float lo = -87.33654f;   // the least float whose e^x is normal
        float[] x = new float[s.length()];
        float[] cases = {lo, Math.nextDown(lo), -88f, -100f, Float.NEGATIVE_INFINITY, -50f, 0f, Float.NaN};
        for (int i = 0; i < x.length; i++) x[i] = cases[i % cases.length];
        float[] y = new float[x.length];
        Elementwise.exp(jdk.incubator.vector.FloatVector.fromArray(s, x, 0)).intoArray(y, 0);
        for (int i = 0; i < x.length; i++) {
            float scalar = Elementwise.exp(x[i]);
            assertEquals(Float.floatToIntBits(scalar), Float.floatToIntBits(y[i]), "lane " + i + ", x = " + x[i]);
            if (Float.isNaN(x[i])) continue;
            double exact = Math.exp(x[i]);
            if (exact < Float.MIN_NORMAL) assertEquals(0f, scalar, "x = " + x[i]);
            else assertEquals(exact, scalar, Math.ulp((float) exact) * 2, "x = " + x[i]);
        }
        // softmax of logits 100 apart: the small classes are exactly 0, not subnormal
        float[] z = new float[20], p = new float[20];
        for (int i = 0; i < 20; i++) z[i] = i % 10 == 3 ? 50f : -50f - i;
        Elementwise.softmax(z, p, 2, 10);
        for (int i = 0; i < 20; i++) assertEquals(i % 10 == 3 ? 1f : 0f, p[i], "p[" + i + "]");
    }

    @Test
    void copyAllFiniteCopiesExactlyAndFindsNaNAndInfinityAnywhere() {
        float[] src = inputs(203), dst = new float[210];
        assertTrue(Elementwise.copyAllFinite(src, 3, dst, 5, 197));
        for (int i = 0; i < 197; i++) assertEquals(Float.floatToIntBits(src[3 + i]), Float.floatToIntBits(dst[5 + i]));
        for (int pos : new int[] {3, 50, 198, 199}) {   // in the vector body and in the scalar tail
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[] s = src.clone();
                s[pos] = bad;
                assertTrue(!Elementwise.copyAllFinite(s, 3, dst, 5, 197), bad + " at " + pos);
            }
        }
        float[] s = src.clone();
        s[2] = Float.NaN;   // outside the copied range
        assertTrue(Elementwise.copyAllFinite(s, 3, dst, 5, 197));
    }

    private static float[] inputs(int n) {
        SplittableRandom r = new SplittableRandom(1);
        float[] z = new float[n];
        for (int i = 0; i < n; i++) z[i] = (float) ((r.nextDouble() * 2 - 1) * 30);
        return z;
    }

    @Test
    void expIsAccurateAcrossItsRange() {
        float[] z = inputs(4099);
        float[] worst = {0};
        for (float x : z) {
            double rel = Math.abs(Elementwise.exp(x) - Math.exp(x)) / Math.exp(x);
            worst[0] = (float) Math.max(worst[0], rel);
        }
        assertTrue(worst[0] < 3e-7, "max relative error " + worst[0]);
        assertEquals(0f, Elementwise.exp(-200f), 1e-37f);
        assertTrue(Float.isFinite(Elementwise.exp(200f)));
    }

    @Test
    void transcendentalActivationsGiveTheSameBitsBeforeAndAfterJitCompilation() {
        // The first calls run interpreted; after many calls C2 has compiled the loops. A native EXP would differ.
        float[] z = inputs(1027), cold = new float[z.length], warm = new float[z.length];
        float[] coldSig = new float[z.length], warmSig = new float[z.length], coldTanh = new float[z.length], warmTanh = new float[z.length];
        Elementwise.softmax(z, cold, 13, 79);
        Elementwise.sigmoid(z, coldSig, z.length);
        Elementwise.tanh(z, coldTanh, z.length);
        for (int i = 0; i < 30_000; i++) {
            Elementwise.softmax(z, warm, 13, 79);
            Elementwise.sigmoid(z, warmSig, z.length);
            Elementwise.tanh(z, warmTanh, z.length);
        }
        assertArrayEquals(cold, warm);
        assertArrayEquals(coldSig, warmSig);
        assertArrayEquals(coldTanh, warmTanh);
        for (int i = 0; i < z.length; i++) {
            assertEquals(Math.tanh(z[i]), warmTanh[i], 2e-7);
            assertEquals(1 / (1 + Math.exp(-z[i])), warmSig[i], 2e-7);
        }
    }

    @Test
    void narrowSoftmaxGivesEachRowTheBitsItGetsAlone() {
        // 10 classes: the batch's exp runs over vectors spanning rows, a single row over the scalar twin.
        int rows = 1000, cols = 10;
        float[] z = inputs(rows * cols), y = new float[z.length], one = new float[cols];
        Elementwise.softmax(z, y, rows, cols);
        for (int r = 0; r < rows; r++) {
            Elementwise.softmax(java.util.Arrays.copyOfRange(z, r * cols, (r + 1) * cols), one, 1, cols);
            assertArrayEquals(one, java.util.Arrays.copyOfRange(y, r * cols, (r + 1) * cols), "row " + r);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < cols; j++) max = Math.max(max, z[r * cols + j]);
            for (int j = 0; j < cols; j++) sum += Math.exp(z[r * cols + j] - max);
            for (int j = 0; j < cols; j++) assertEquals(Math.exp(z[r * cols + j] - max) / sum, y[r * cols + j], 3e-7);
        }
    }

    /** Threads take row ranges of a softmax; any split must give every row the bits of the whole-batch call. */
    @Test
    void softmaxSplitIntoRowRangesGivesTheSameBits() {
        for (int cols : new int[] {10, 79}) {
            int rows = 1000;
            float[] z = inputs(rows * cols), whole = new float[z.length], parts = new float[z.length];
            Elementwise.softmax(z, whole, rows, cols);
            for (int[] cut : new int[][] {{0, 1, 1000}, {0, 333, 1000}, {0, 500, 501, 1000}, {0, 7, 999, 1000}}) {
                java.util.Arrays.fill(parts, Float.NaN);
                for (int i = 0; i + 1 < cut.length; i++) Elementwise.softmax(z, parts, cut[i], cut[i + 1], cols);
                assertArrayEquals(whole, parts, "cols " + cols + ", cuts " + java.util.Arrays.toString(cut));
            }
        }
    }

    /** The wide path (79 classes: vectors plus a tail) against double precision; a NaN logit makes its row NaN. */
    @Test
    void wideSoftmaxMatchesDoublePrecisionAndPropagatesNaN() {
        int rows = 50, cols = 79;
        float[] z = inputs(rows * cols), y = new float[z.length];
        z[3 * cols + 77] = Float.NaN;   // in the scalar tail
        z[7 * cols + 5] = Float.NaN;    // in a vector
        z[9 * cols + 40] = 60f;         // the row's maximum far above the rest
        Elementwise.softmax(z, y, rows, cols);
        for (int r = 0; r < rows; r++) {
            if (r == 3 || r == 7) {
                for (int j = 0; j < cols; j++) assertTrue(Float.isNaN(y[r * cols + j]), "row " + r + " must be NaN");
                continue;
            }
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < cols; j++) max = Math.max(max, z[r * cols + j]);
            for (int j = 0; j < cols; j++) sum += Math.exp(z[r * cols + j] - max);
            for (int j = 0; j < cols; j++) assertEquals(Math.exp(z[r * cols + j] - max) / sum, y[r * cols + j], 3e-7, "row " + r);
        }
    }

    /** Values where the vectorized activations switch branches or lose digits, plus the random inputs. */
    private static float[] activationInputs() {
        float[] edge = {0f, -0f, 1e-7f, -1e-7f, 1e-3f, -1e-3f, 0.3f, -0.3f, 0.34657f, -0.34657f, -0.3466f, -0.35f, 0.5f, -0.5f,
                        -1f, -3f, -10f, -20f, -87f, -90f, -200f, 3f, 10f, 20f, 87f, 90f};
        float[] random = inputs(1000), all = new float[edge.length + random.length];
        System.arraycopy(edge, 0, all, 0, edge.length);
        System.arraycopy(random, 0, all, edge.length, random.length);
        return all;
    }

    /**
     * A few float ulp, or 1e-36 absolute: exp clamps its result to the normal range (like sigmoid), so outputs
     * such as swish(−90) = −7e-38 come out as −4e-37, both zero for any purpose.
     */
    private static void assertNear(double want, float got, String what) {
        assertEquals(want, got, 4e-7 * Math.abs(want) + 1e-36, what);
    }

    /** swish, ELU, SELU, softplus and GELU, forward and backward, against double precision, to a few float ulp. */
    @Test
    void vectorizedSwishEluAndSeluMatchDoublePrecision() {
        float[] z = activationInputs(), dy = inputs(z.length);
        int n = z.length;
        float[] y = new float[n], dz = new float[n];
        double lambda = 1.0507009873554805, alpha = 1.6732632423543772;
        Elementwise.swish(z, y, n);
        for (int i = 0; i < n; i++) assertNear(z[i] / (1 + Math.exp(-(double) z[i])), y[i], "swish(" + z[i] + ")");
        Elementwise.swishBackward(z, dy, dz, n);
        for (int i = 0; i < n; i++) {
            double s = 1 / (1 + Math.exp(-(double) z[i]));
            assertEquals(dy[i] * (s + z[i] * s * (1 - s)), dz[i], 1e-6 * Math.abs(dy[i]) + 1e-36, "swish'(" + z[i] + ")");
        }
        Elementwise.elu(z, y, n, 1f);
        for (int i = 0; i < n; i++) assertNear(z[i] > 0 ? z[i] : Math.expm1(z[i]), y[i], "elu(" + z[i] + ")");
        // Keras's (TensorFlow's EluGrad) form, dy·(y + α) from the forward's float output y
        Elementwise.eluBackward(z, y, dy, dz, n, 1f);
        for (int i = 0; i < n; i++) assertNear(z[i] > 0 ? dy[i] : dy[i] * ((double) y[i] + 1), dz[i], "elu'(" + z[i] + ")");
        Elementwise.selu(z, y, n);
        for (int i = 0; i < n; i++) assertNear(lambda * (z[i] > 0 ? z[i] : alpha * Math.expm1(z[i])), y[i], "selu(" + z[i] + ")");
        Elementwise.softplus(z, y, n);
        for (int i = 0; i < n; i++) assertNear(Math.max(z[i], 0) + Math.log1p(Math.exp(-Math.abs((double) z[i]))), y[i], "softplus(" + z[i] + ")");
        Elementwise.softplusBackward(z, dy, dz, n);
        for (int i = 0; i < n; i++) assertNear(dy[i] / (1 + Math.exp(-(double) z[i])), dz[i], "softplus'(" + z[i] + ")");
        Elementwise.leakyRelu(z, y, n, 0.3f);
        for (int i = 0; i < n; i++) assertEquals(z[i] > 0 ? z[i] : 0.3f * z[i], y[i], 0f, "leaky_relu(" + z[i] + ")");
        // GELU: a few 1e-7 relative, and 5e-8 absolute where z < −5.6 and Φ(z) < 1e-8 is 0 in float, as Keras's
        // 1 + erf(z/√2) is there too
        Elementwise.gelu(z, y, n);
        for (int i = 0; i < n; i++) {
            double want = z[i] * normalCdf(z[i]);
            assertEquals(want, y[i], 2e-6 * Math.abs(want) + 5e-8, "gelu(" + z[i] + ")");
        }
        Elementwise.geluBackward(z, dy, dz, n);
        for (int i = 0; i < n; i++) {
            double x = z[i], want = dy[i] * (normalCdf(x) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI));
            assertEquals(want, dz[i], 2e-6 * Math.abs(want) + 5e-8 * Math.abs(dy[i]), "gelu'(" + z[i] + ")");
        }
        // NaN stays NaN in the vector body and in the scalar tail
        float[] bad = new float[Gemm.L + 1];
        java.util.Arrays.fill(bad, Float.NaN);
        float[] out = new float[bad.length];
        for (Runnable f : new Runnable[] {() -> Elementwise.elu(bad, out, bad.length, 1f), () -> Elementwise.selu(bad, out, bad.length),
                                          () -> Elementwise.swish(bad, out, bad.length), () -> Elementwise.softplus(bad, out, bad.length),
                                          () -> Elementwise.gelu(bad, out, bad.length)}) {
            f.run();
            for (float v : out) assertTrue(Float.isNaN(v));
        }
    }

    /** A value gives the same bits in the vector body as in the scalar tail: results do not depend on alignment. */
    @Test
    void vectorBodyAndScalarTailAgreeForEveryActivation() {
        int n = Gemm.L + 1;   // lanes 0..L-1 in one vector, the last element in the tail
        for (float x : activationInputs()) {
            float[] z = new float[n], y = new float[n], dy = new float[n], dz = new float[n];
            java.util.Arrays.fill(z, x);
            java.util.Arrays.fill(dy, 0.7f);
            Runnable[] kernels = {
                () -> Elementwise.swish(z, y, n), () -> Elementwise.swishBackward(z, dy, y, n),
                () -> Elementwise.elu(z, y, n, 1f), () -> Elementwise.selu(z, y, n),
                () -> { Elementwise.elu(z, dz, n, 1f); Elementwise.eluBackward(z, dz, dy, y, n, 1f); },
                () -> Elementwise.leakyRelu(z, y, n, 0.3f), () -> Elementwise.leakyReluBackward(z, dy, y, n, 0.3f),
                () -> Elementwise.softplus(z, y, n), () -> Elementwise.softplusBackward(z, dy, y, n),
                () -> Elementwise.gelu(z, y, n), () -> Elementwise.geluBackward(z, dy, y, n),
                () -> Elementwise.sigmoid(z, y, n), () -> Elementwise.tanh(z, y, n)};
            for (int k = 0; k < kernels.length; k++) {
                kernels[k].run();
                for (int i = 1; i < n; i++) {
                    assertEquals(Float.floatToIntBits(y[0]), Float.floatToIntBits(y[i]), "kernel " + k + " at " + x + ", element " + i);
                }
            }
        }
    }

    /** Dense applies activations in place (y = z, dz = dy): every kernel must give the same result that way. */
    @Test
    void activationsGiveTheSameResultInPlace() {
        float[] z = activationInputs(), dy = inputs(z.length);
        int n = z.length;
        String[] names = {"elu", "selu", "gelu", "softplus", "swish", "sigmoid", "tanh", "leaky_relu"};
        java.util.function.BiConsumer<float[], float[]>[] forward = new java.util.function.BiConsumer[] {
            (java.util.function.BiConsumer<float[], float[]>) (a, b) -> Elementwise.elu(a, b, n, 1f),
            (java.util.function.BiConsumer<float[], float[]>) (a, b) -> Elementwise.selu(a, b, n),
            (java.util.function.BiConsumer<float[], float[]>) (a, b) -> Elementwise.gelu(a, b, n),
            (java.util.function.BiConsumer<float[], float[]>) (a, b) -> Elementwise.softplus(a, b, n),
            (java.util.function.BiConsumer<float[], float[]>) (a, b) -> Elementwise.swish(a, b, n),
            (java.util.function.BiConsumer<float[], float[]>) (a, b) -> Elementwise.sigmoid(a, b, n),
            (java.util.function.BiConsumer<float[], float[]>) (a, b) -> Elementwise.tanh(a, b, n),
            (java.util.function.BiConsumer<float[], float[]>) (a, b) -> Elementwise.leakyRelu(a, b, n, 0.3f)};
        for (int k = 0; k < forward.length; k++) {
            float[] apart = new float[n], inPlace = z.clone();
            forward[k].accept(z, apart);
            forward[k].accept(inPlace, inPlace);
            assertArrayEquals(apart, inPlace, names[k] + " forward in place");
        }
        // backward with dz = dy, for the kernels that read only z (and dy)
        String[] bnames = {"gelu", "softplus", "swish", "leaky_relu"};
        java.util.function.BiConsumer<float[], float[]>[] backward = new java.util.function.BiConsumer[] {
            (java.util.function.BiConsumer<float[], float[]>) (g, out) -> Elementwise.geluBackward(z, g, out, n),
            (java.util.function.BiConsumer<float[], float[]>) (g, out) -> Elementwise.softplusBackward(z, g, out, n),
            (java.util.function.BiConsumer<float[], float[]>) (g, out) -> Elementwise.swishBackward(z, g, out, n),
            (java.util.function.BiConsumer<float[], float[]>) (g, out) -> Elementwise.leakyReluBackward(z, g, out, n, 0.3f)};
        for (int k = 0; k < backward.length; k++) {
            float[] apart = new float[n], inPlace = dy.clone();
            backward[k].accept(dy, apart);
            backward[k].accept(inPlace, inPlace);
            assertArrayEquals(apart, inPlace, bnames[k] + " backward in place");
        }
    }

    /** Φ(x) in double, the reference for GELU: erf by its series below 2.5 and a continued fraction for erfc beyond. */
    private static double normalCdf(double x) {
        double y = x / Math.sqrt(2), ay = Math.abs(y), erf;
        if (ay < 2.5) {
            double term = y, sum = y;
            for (int k = 1; k < 80; k++) {
                term *= -y * y / k;
                sum += term / (2 * k + 1);
            }
            erf = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = ay;
            for (int k = 80; k >= 1; k--) f = ay + (k / 2.0) / f;
            erf = Math.signum(y) * (1 - Math.exp(-ay * ay) / Math.sqrt(Math.PI) / f);
        }
        return 0.5 * (1 + erf);
    }
}
