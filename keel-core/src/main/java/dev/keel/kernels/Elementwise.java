package dev.keel.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise and row-wise kernels over flat {@code float[]}: activations and their derivatives,
 * row softmax, bias rows, scaling. Forward functions read the pre-activation {@code z} and write {@code y};
 * backward functions turn the gradient at the output {@code dy} into the gradient at the input {@code dz},
 * reading whichever of z or y the derivative needs. {@code dz} may alias {@code dy}.
 */
public final class Elementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float SELU_ALPHA = 1.6732632423543772f;
    private static final float SELU_SCALE = 1.0507009873554805f;

    private Elementwise() {}

    // ---- exp from IEEE add/mul/fma only (Cephes expf), so results are the same bits interpreted or JIT-compiled.
    // The Vector API's EXP runs a Java fallback until C2 compiles the loop and a native routine after, which can
    // differ in the last place: training would then depend on JIT timing.
    private static final float EXP_HI = 88.3762626647949f;
    /**
     * The least float whose e^x is normal (the next float down, −87.33655, gives the subnormal 1.1754907e-38).
     * Below it exp returns 0, as TensorFlow's flush-to-zero mode does: an x86 core takes a microcode assist on
     * every subnormal it produces or reads, and the clamped value used to be subnormal, so every softmax class
     * 87 below the row's maximum cost one (a 1024×10 softmax of wide logits: 83 µs against 23, Intel Xeon).
     */
    private static final float EXP_LO = -87.33654f;
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUNDER = 12582912f;   // 1.5·2²³: adding and subtracting it rounds to an integer

    /** e^x for a vector, accurate to about 2 ulp on [−87.3, 88.4]: 0 below (see {@link #EXP_LO}), e^88.4 above. */
    static FloatVector exp(FloatVector x0) {
        FloatVector x = x0.max(EXP_LO).min(EXP_HI);
        FloatVector t = x.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
        FloatVector er = p.mul(r.mul(r)).add(r).add(1f);
        IntVector bits = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER)).add(127).lanewise(VectorOperators.LSHL, 23);
        return er.mul(bits.reinterpretAsFloats()).blend(0f, x0.compare(VectorOperators.LT, EXP_LO));
    }

    /**
     * The sum of {@code lanes[0:L]} in a fixed order, lane 0 first. {@code reduceLanes(ADD)} may sum in any order
     * (the compiled form uses a tree, the interpreted fallback a chain), which would make results depend on JIT
     * timing. The vector is stored to the array by the caller: passed as an argument to a call C2 does not
     * inline, a FloatVector is boxed on the heap (64 bytes per softmax row at 1024×128).
     */
    static float sumLanes(float[] lanes) {
        float s = 0f;
        for (int i = 0; i < L; i++) s += lanes[i];
        return s;
    }

    /** The scalar twin of {@link #exp(FloatVector)}: the same operations, so tails agree with vector lanes. */
    static float exp(float x) {
        if (x < EXP_LO) return 0f;
        x = Math.min(x, EXP_HI);
        float t = Math.fma(x, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, 1.9875691500e-4f, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        float er = p * (r * r) + r + 1f;
        int bits = ((Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUNDER)) + 127) << 23;
        return er * Float.intBitsToFloat(bits);
    }

    /** Below this |x|, expm1 takes its Taylor polynomial: e^x − 1 would cancel (ln 2 / 2). */
    private static final float EXPM1_SMALL = 0.34657359f;

    /**
     * e^x − 1 for x ≤ 0 (ELU's negative side), to about 4 ulp: the degree-7 Taylor polynomial for |x| below
     * ln 2 / 2 (truncation under 2e-8 relative), {@code exp(x) − 1} beyond, where the cancellation costs at
     * most two bits. IEEE operations only, like {@link #exp(FloatVector)}.
     */
    static FloatVector expm1NonPositive(FloatVector x) {
        FloatVector p = x.fma(1f / 5040, 1f / 720);
        p = p.fma(x, FloatVector.broadcast(S, 1f / 120));
        p = p.fma(x, FloatVector.broadcast(S, 1f / 24));
        p = p.fma(x, FloatVector.broadcast(S, 1f / 6));
        p = p.fma(x, FloatVector.broadcast(S, 0.5f));
        p = p.fma(x, FloatVector.broadcast(S, 1f)).mul(x);
        FloatVector big = exp(x).sub(1f);
        return big.blend(p, x.abs().compare(VectorOperators.LT, EXPM1_SMALL));
    }

    /** The scalar twin of {@link #expm1NonPositive(FloatVector)}. */
    static float expm1NonPositive(float x) {
        if (!(Math.abs(x) < EXPM1_SMALL)) return exp(x) - 1f;
        float p = Math.fma(x, 1f / 5040, 1f / 720);
        p = Math.fma(p, x, 1f / 120);
        p = Math.fma(p, x, 1f / 24);
        p = Math.fma(p, x, 1f / 6);
        p = Math.fma(p, x, 0.5f);
        return Math.fma(p, x, 1f) * x;
    }

    /**
     * log(1 + u) for u in [0, 1] (softplus's log1p(e^−|z|)), to a few ulp: 2·atanh(s) with s = u/(2+u) ≤ 1/3, by
     * its odd series through s¹⁵ (truncation under 2e-8 relative). IEEE operations only.
     */
    static FloatVector log1pUnit(FloatVector u) {
        FloatVector s = u.div(u.add(2f)), t = s.mul(s);
        FloatVector p = t.fma(1f / 15, 1f / 13);
        p = p.fma(t, FloatVector.broadcast(S, 1f / 11));
        p = p.fma(t, FloatVector.broadcast(S, 1f / 9));
        p = p.fma(t, FloatVector.broadcast(S, 1f / 7));
        p = p.fma(t, FloatVector.broadcast(S, 1f / 5));
        p = p.fma(t, FloatVector.broadcast(S, 1f / 3));
        p = p.fma(t, FloatVector.broadcast(S, 1f));
        return p.mul(s).mul(2f);
    }

    /** The scalar twin of {@link #log1pUnit(FloatVector)}. */
    static float log1pUnit(float u) {
        float s = u / (u + 2f), t = s * s;
        float p = Math.fma(t, 1f / 15, 1f / 13);
        p = Math.fma(p, t, 1f / 11);
        p = Math.fma(p, t, 1f / 9);
        p = Math.fma(p, t, 1f / 7);
        p = Math.fma(p, t, 1f / 5);
        p = Math.fma(p, t, 1f / 3);
        p = Math.fma(p, t, 1f);
        return p * s * 2f;
    }

    /** {@code sum[cols] = Σ_r g[r×cols]} (a bias gradient). */
    public static void sumRows(float[] g, int rows, int cols, float[] sum) {
        java.util.Arrays.fill(sum, 0, cols, 0f);
        int upper = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols, c = 0;
            for (; c < upper; c += L) FloatVector.fromArray(S, sum, c).add(FloatVector.fromArray(S, g, o + c)).intoArray(sum, c);
            for (; c < cols; c++) sum[c] += g[o + c];
        }
    }

    /** {@code y = x·scale + offset}. */
    public static void scaleOffset(float[] x, float[] y, int n, float scale, float offset) {
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) FloatVector.fromArray(S, x, i).fma(scale, offset).intoArray(y, i);
        for (; i < n; i++) y[i] = x[i] * scale + offset;
    }

    /** {@code y = x·mask} with a mask of 0 or 1/(1−rate) per element (inverted dropout, forward and backward alike). */
    public static void multiply(float[] x, float[] mask, float[] y, int n) {
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) FloatVector.fromArray(S, x, i).mul(FloatVector.fromArray(S, mask, i)).intoArray(y, i);
        for (; i < n; i++) y[i] = x[i] * mask[i];
    }

    // ---- relu: max(z, 0) ----
    public static void relu(float[] z, float[] y, int n) {
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) FloatVector.fromArray(S, z, i).max(0f).intoArray(y, i);
        for (; i < n; i++) y[i] = Math.max(z[i], 0f);
    }

    /** relu'(z) = [y > 0]; reads the output. */
    public static void reluBackward(float[] y, float[] dy, float[] dz, int n) {
        int upper = S.loopBound(n), i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (; i < upper; i += L) {
            var pos = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, i), pos).intoArray(dz, i);
        }
        for (; i < n; i++) dz[i] = y[i] > 0f ? dy[i] : 0f;
    }

    // ---- leaky_relu: z if z > 0 else slope·z ----
    public static void leakyRelu(float[] z, float[] y, int n, float slope) {
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            FloatVector zv = FloatVector.fromArray(S, z, i);
            zv.mul(slope).blend(zv, zv.compare(VectorOperators.GT, 0f)).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = z[i] > 0f ? z[i] : slope * z[i];
    }

    public static void leakyReluBackward(float[] z, float[] dy, float[] dz, int n, float slope) {
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            FloatVector g = FloatVector.fromArray(S, dy, i);
            g.mul(slope).blend(g, FloatVector.fromArray(S, z, i).compare(VectorOperators.GT, 0f)).intoArray(dz, i);
        }
        for (; i < n; i++) dz[i] = z[i] > 0f ? dy[i] : slope * dy[i];
    }

    // ---- elu: z if z > 0 else α(eᶻ−1); elu' = 1 or y+α. selu: λ·elu_α(z) with Klambauer et al.'s constants ----
    public static void elu(float[] z, float[] y, int n, float alpha) {
        scaledElu(z, y, n, 1f, alpha);
    }

    public static void eluBackward(float[] z, float[] y, float[] dy, float[] dz, int n, float alpha) {
        scaledEluBackward(z, y, dy, dz, n, 1f, alpha);
    }

    public static void selu(float[] z, float[] y, int n) {
        scaledElu(z, y, n, SELU_SCALE, SELU_ALPHA);
    }

    public static void seluBackward(float[] z, float[] y, float[] dy, float[] dz, int n) {
        scaledEluBackward(z, y, dy, dz, n, SELU_SCALE, SELU_ALPHA);
    }

    /** {@code y = λ·(z > 0 ? z : α·expm1(z))}; NaN stays NaN. */
    private static void scaledElu(float[] z, float[] y, int n, float lambda, float alpha) {
        float la = lambda * alpha;
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            FloatVector zv = FloatVector.fromArray(S, z, i);
            FloatVector neg = expm1NonPositive(zv.min(0f)).mul(la);
            neg.blend(zv.mul(lambda), zv.compare(VectorOperators.GT, 0f)).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = z[i] > 0f ? z[i] * lambda : expm1NonPositive(Math.min(z[i], 0f)) * la;
    }

    /** {@code dz = z > 0 ? λ·dy : dy·(y + λα)}, from the forward's output y. */
    private static void scaledEluBackward(float[] z, float[] y, float[] dy, float[] dz, int n, float lambda, float alpha) {
        float la = lambda * alpha;
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            FloatVector g = FloatVector.fromArray(S, dy, i);
            FloatVector neg = g.mul(FloatVector.fromArray(S, y, i).add(la));
            neg.blend(g.mul(lambda), FloatVector.fromArray(S, z, i).compare(VectorOperators.GT, 0f)).intoArray(dz, i);
        }
        for (; i < n; i++) dz[i] = z[i] > 0f ? lambda * dy[i] : dy[i] * (y[i] + la);
    }

    // ---- gelu (exact, Keras's default approximate=False): z·Φ(z), Φ(z) = ½(1 + erf(z/√2)) ----
    private static final float INV_SQRT2 = 0.70710678118654752f, INV_SQRT_2PI = 0.39894228040143268f;
    /** erf(a)/a = P(a²) on [0, 1], least squares on float arithmetic: under 2e-7 relative (about 1.5 ulp). */
    private static final float[] ERF_SMALL = {-9.755316568771377e-06f, 0.00011296553566353396f, -0.0008488254388794303f,
        0.005221315193921328f, -0.026865530759096146f, 0.11283784359693527f, -0.37612637877464294f, 1.128379225730896f};
    /** erfc(a)·e^(a²) = G(1/a − 0.625) on [1, 4]: under 1.5e-7 relative. Beyond 4, erfc(a) < 1.6e-8 and Φ is 0 or 1. */
    private static final float[] ERFC_MID = {-0.036775458604097366f, 0.025405121967196465f, 0.005764036905020475f,
        -0.026744145900011063f, 0.04308893159031868f, -0.04695986956357956f, 0.023336756974458694f, 0.043767523020505905f,
        -0.17239487171173096f, 0.3822837769985199f, 0.3059529960155487f};

    /**
     * {@code out[0:len] = Φ(z[from:from+len])}, Φ(z) = ½(1 + erf(z/√2)). 1 + erf(y) is computed without cancellation where erf(y) is near −1:
     * erfc(|y|) directly for y ≤ −1. With 0 or 2 beyond |y| ≥ 4 it is what float arithmetic gives Keras's
     * {@code 1 + erf(y)} there. The vector code is written out in this loop, not in a helper taking a FloatVector:
     * once such a helper is compiled on its own, C2 stops inlining it and boxes its vectors (2 MB per call).
     */
    static void normalCdf(float[] z, int from, int len, float[] out) {
        int upper = S.loopBound(len), i = 0;
        for (; i < upper; i += L) {
            FloatVector y = FloatVector.fromArray(S, z, from + i).mul(INV_SQRT2);
            FloatVector a = y.abs(), t = a.mul(a);
            FloatVector p = FloatVector.broadcast(S, ERF_SMALL[0]);
            for (int k = 1; k < ERF_SMALL.length; k++) p = p.fma(t, FloatVector.broadcast(S, ERF_SMALL[k]));
            FloatVector e = p.mul(a);                                        // erf(a), a < 1
            FloatVector v = FloatVector.broadcast(S, 1f).div(a).sub(0.625f);
            FloatVector g = FloatVector.broadcast(S, ERFC_MID[0]);
            for (int k = 1; k < ERFC_MID.length; k++) g = g.fma(v, FloatVector.broadcast(S, ERFC_MID[k]));
            FloatVector c = exp(t.neg()).mul(g);                             // erfc(a), 1 ≤ a < 4
            var positive = y.compare(VectorOperators.GE, 0f);
            FloatVector small = FloatVector.broadcast(S, 1f).sub(e).blend(e.add(1f), positive);
            FloatVector mid = c.blend(FloatVector.broadcast(S, 2f).sub(c), positive);
            FloatVector far = FloatVector.zero(S).blend(FloatVector.broadcast(S, 2f), positive);
            far.blend(mid, a.compare(VectorOperators.LT, 4f)).blend(small, a.compare(VectorOperators.LT, 1f)).mul(0.5f).intoArray(out, i);
        }
        for (; i < len; i++) out[i] = onePlusErf(z[from + i] * INV_SQRT2) * 0.5f;
    }

    /** The scalar twin of {@link #normalCdf}'s vector body: 1 + erf(y). */
    static float onePlusErf(float y) {
        float a = Math.abs(y), t = a * a;
        boolean positive = y >= 0f;
        if (a < 1f) {
            float p = ERF_SMALL[0];
            for (int k = 1; k < ERF_SMALL.length; k++) p = Math.fma(p, t, ERF_SMALL[k]);
            float e = p * a;
            return positive ? e + 1f : 1f - e;
        }
        if (a < 4f) {
            float v = 1f / a - 0.625f, g = ERFC_MID[0];
            for (int k = 1; k < ERFC_MID.length; k++) g = Math.fma(g, v, ERFC_MID[k]);
            float c = exp(-t) * g;
            return positive ? 2f - c : c;
        }
        return positive ? 2f : 0f;   // and NaN, which the callers' factor z turns back into NaN
    }

    /** GELU works in blocks of this many values: Φ of a block into a small buffer, then the block's outputs. */
    private static final int CDF_BLOCK = 256;

    /** gelu(z) = z·Φ(z). y may be z itself (Dense applies activations in place), hence the block buffer. */
    public static void gelu(float[] z, float[] y, int n) {
        float[] cdf = new float[CDF_BLOCK];
        for (int b = 0; b < n; b += CDF_BLOCK) {
            int len = Math.min(CDF_BLOCK, n - b), upper = S.loopBound(len), i = 0;
            normalCdf(z, b, len, cdf);
            for (; i < upper; i += L) FloatVector.fromArray(S, z, b + i).mul(FloatVector.fromArray(S, cdf, i)).intoArray(y, b + i);
            for (; i < len; i++) y[b + i] = z[b + i] * cdf[i];
        }
    }

    /** gelu'(z) = Φ(z) + z·φ(z), φ(z) = e^(−z²/2)/√(2π). dz may be dy itself. */
    public static void geluBackward(float[] z, float[] dy, float[] dz, int n) {
        float[] cdf = new float[CDF_BLOCK];
        for (int b = 0; b < n; b += CDF_BLOCK) {
            int len = Math.min(CDF_BLOCK, n - b), upper = S.loopBound(len), i = 0;
            normalCdf(z, b, len, cdf);
            for (; i < upper; i += L) {
                FloatVector zv = FloatVector.fromArray(S, z, b + i);
                FloatVector pdf = exp(zv.mul(zv).mul(-0.5f)).mul(INV_SQRT_2PI);
                FloatVector.fromArray(S, dy, b + i).mul(zv.mul(pdf).add(FloatVector.fromArray(S, cdf, i))).intoArray(dz, b + i);
            }
            for (; i < len; i++) {
                float pdf = exp(z[b + i] * z[b + i] * -0.5f) * INV_SQRT_2PI;
                dz[b + i] = dy[b + i] * (z[b + i] * pdf + cdf[i]);
            }
        }
    }

    // ---- sigmoid: 1/(1+e⁻ᶻ); sigmoid' = y(1−y) ----
    public static void sigmoid(float[] z, float[] y, int n) {
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            FloatVector e = exp(FloatVector.fromArray(S, z, i).neg());
            FloatVector.broadcast(S, 1f).div(e.add(1f)).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = 1f / (1f + exp(-z[i]));
    }

    public static void sigmoidBackward(float[] y, float[] dy, float[] dz, int n) {
        for (int i = 0; i < n; i++) dz[i] = dy[i] * y[i] * (1f - y[i]);
    }

    // ---- hard_sigmoid (Keras 3): clip(z/6 + ½, 0, 1) ----
    public static void hardSigmoid(float[] z, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = Math.min(1f, Math.max(0f, z[i] / 6f + 0.5f));
    }

    public static void hardSigmoidBackward(float[] z, float[] dy, float[] dz, int n) {
        for (int i = 0; i < n; i++) dz[i] = (z[i] > -3f && z[i] < 3f) ? dy[i] / 6f : 0f;
    }

    // ---- tanh; tanh' = 1 − y² ----
    public static void tanh(float[] z, float[] y, int n) {
        int upper = S.loopBound(n), i = 0;
        // tanh(z) = sign(z)·(1 − e^(−2|z|))/(1 + e^(−2|z|)): no overflow, no cancellation for large |z|.
        for (; i < upper; i += L) {
            FloatVector zv = FloatVector.fromArray(S, z, i);
            FloatVector e = exp(zv.abs().mul(-2f));
            FloatVector t = FloatVector.broadcast(S, 1f).sub(e).div(e.add(1f));
            // the sign bit, not z < 0, so that tanh(−0) = −0 as in the scalar tail's copySign
            t.blend(t.neg(), zv.test(VectorOperators.IS_NEGATIVE)).intoArray(y, i);
        }
        for (; i < n; i++) {
            float e = exp(-2f * Math.abs(z[i]));
            y[i] = Math.copySign((1f - e) / (1f + e), z[i]);
        }
    }

    public static void tanhBackward(float[] y, float[] dy, float[] dz, int n) {
        for (int i = 0; i < n; i++) dz[i] = dy[i] * (1f - y[i] * y[i]);
    }

    // ---- softplus: log(1+eᶻ) = max(z, 0) + log1p(e^−|z|), stable; softplus' = sigmoid(z) ----
    public static void softplus(float[] z, float[] y, int n) {
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            FloatVector zv = FloatVector.fromArray(S, z, i);
            zv.max(0f).add(log1pUnit(exp(zv.abs().neg()))).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = Math.max(z[i], 0f) + log1pUnit(exp(-Math.abs(z[i])));
    }

    public static void softplusBackward(float[] z, float[] dy, float[] dz, int n) {
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            FloatVector zv = FloatVector.fromArray(S, z, i);
            FloatVector.fromArray(S, dy, i).div(exp(zv.neg()).add(1f)).intoArray(dz, i);
        }
        for (; i < n; i++) dz[i] = dy[i] / (1f + exp(-z[i]));
    }

    // ---- softsign: z/(1+|z|); softsign' = 1/(1+|z|)² ----
    public static void softsign(float[] z, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = z[i] / (1f + Math.abs(z[i]));
    }

    public static void softsignBackward(float[] z, float[] dy, float[] dz, int n) {
        for (int i = 0; i < n; i++) { float d = 1f + Math.abs(z[i]); dz[i] = dy[i] / (d * d); }
    }

    // ---- swish / silu: z·sigmoid(z); swish' = s + z·s(1−s) ----
    public static void swish(float[] z, float[] y, int n) {
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            FloatVector zv = FloatVector.fromArray(S, z, i);
            zv.div(exp(zv.neg()).add(1f)).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = z[i] / (1f + exp(-z[i]));
    }

    /** With e = e^(−z) and s = 1/(1+e), 1 − s is computed as e·s: no cancellation where s rounds to 1. */
    public static void swishBackward(float[] z, float[] dy, float[] dz, int n) {
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            FloatVector zv = FloatVector.fromArray(S, z, i);
            FloatVector e = exp(zv.neg());
            FloatVector sg = FloatVector.broadcast(S, 1f).div(e.add(1f));
            FloatVector d = zv.mul(sg).mul(e.mul(sg)).add(sg);
            FloatVector.fromArray(S, dy, i).mul(d).intoArray(dz, i);
        }
        for (; i < n; i++) {
            float e = exp(-z[i]), sg = 1f / (1f + e);
            dz[i] = dy[i] * (z[i] * sg * (e * sg) + sg);
        }
    }

    /**
     * Copies {@code src[srcOff:srcOff+n]} to {@code dst[dstOff:]} and returns whether every value was finite, in
     * one pass: x − x is 0 for finite x and NaN for NaN and ±∞, and NaN survives the running sum. (Checking the
     * whole input first, then copying each batch, read it from memory twice.)
     */
    public static boolean copyAllFinite(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(S, src, srcOff + i);
            v.intoArray(dst, dstOff + i);
            acc = acc.add(v.sub(v));
        }
        boolean finite = !acc.test(VectorOperators.IS_NAN).anyTrue();
        for (; i < n; i++) {
            float v = src[srcOff + i];
            dst[dstOff + i] = v;
            finite &= Float.isFinite(v);
        }
        return finite;
    }

    // ---- softmax over each row: exp(z − max)/Σ ----
    /**
     * Rows up to this wide take softmax's contiguous path on every machine. A fixed width, not the vector length:
     * with AVX2's 8 lanes, 10 classes would otherwise take the per-row path (one vector and two scalar exps per
     * row: 70 µs at 1024×10 on a Zen 3), and results would depend on the vector width.
     */
    private static final int NARROW_SOFTMAX_COLS = 16;

    /** From this many elements softmax is split by rows while a worker is awake ({@link Parallel#helpersAwake}). */
    private static final int SOFTMAX_PARALLEL_MIN = 1 << 13;

    public static void softmax(float[] z, float[] y, int rows, int cols) {
        int chunks = rows >= 2 && (long) rows * cols >= SOFTMAX_PARALLEL_MIN && Parallel.helpersAwake() ? Parallel.threads() : 1;
        if (chunks == 1) {
            softmax(z, y, 0, rows, cols);
            return;
        }
        // Each row's values do not depend on the split: the vector exp and its scalar twin give the same bits.
        Parallel.forEach(chunks, c -> softmax(z, y, (int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks), cols));
    }

    /**
     * Softmax of rows [r0, r1). The two paths are separate methods, each compiled on its own: in one method,
     * 10-class rows run after 128-wide ones sometimes stayed compiled with {@link #exp(FloatVector)} not inlined,
     * boxing its argument and result (128 bytes per vector; NoBoxingTest failed in 5 of 12 runs, 0 of 10 split).
     */
    static void softmax(float[] z, float[] y, int r0, int r1, int cols) {
        if (cols <= NARROW_SOFTMAX_COLS) softmaxNarrow(z, y, r0, r1, cols);
        else softmaxWide(z, y, r0, r1, cols);
    }

    /**
     * Narrow rows (10 classes): the rows are one contiguous run of z − max, so exp runs over full vectors that
     * span rows; maxima, sums and scaling are per row, in a fixed order.
     */
    private static void softmaxNarrow(float[] z, float[] y, int r0, int r1, int cols) {
        int first = r0 * cols, total = r1 * cols;
        for (int r = r0; r < r1; r++) {
            int o = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, z[o + j]);
            for (int j = 0; j < cols; j++) y[o + j] = z[o + j] - max;
        }
        int upper = first + S.loopBound(total - first), i = first;
        for (; i < upper; i += L) exp(FloatVector.fromArray(S, y, i)).intoArray(y, i);
        for (; i < total; i++) y[i] = exp(y[i]);
        for (int r = r0; r < r1; r++) {
            int o = r * cols;
            float sum = 0f;
            for (int j = 0; j < cols; j++) sum += y[o + j];
            float inv = 1f / sum;
            for (int j = 0; j < cols; j++) y[o + j] *= inv;
        }
    }

    /** Rows wider than {@link #NARROW_SOFTMAX_COLS}: vectors along each row. */
    private static void softmaxWide(float[] z, float[] y, int r0, int r1, int cols) {
        int upper = S.loopBound(cols);
        float[] lanes = new float[L];
        for (int r = r0; r < r1; r++) {
            int o = r * cols, c = 0;
            // The row's maximum, lanewise then across the lanes: max is exact and MAX follows Math.max (NaN, ±0),
            // so the order does not matter. (A scalar Math.max chain took half of a 1024×128 softmax.)
            FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; c < upper; c += L) mv = mv.max(FloatVector.fromArray(S, z, o + c));
            mv.intoArray(lanes, 0);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < L; j++) max = Math.max(max, lanes[j]);
            for (; c < cols; c++) max = Math.max(max, z[o + c]);
            c = 0;
            FloatVector acc = FloatVector.zero(S);
            for (; c < upper; c += L) {
                FloatVector e = exp(FloatVector.fromArray(S, z, o + c).sub(max));
                e.intoArray(y, o + c);
                acc = acc.add(e);
            }
            acc.intoArray(lanes, 0);
            float sum = sumLanes(lanes);
            for (; c < cols; c++) { float e = exp(z[o + c] - max); y[o + c] = e; sum += e; }
            float inv = 1f / sum;
            for (int j = 0; j < cols; j++) y[o + j] *= inv;
        }
    }

    /** softmax backward: {@code dz = y ⊙ (dy − Σ_j dy_j·y_j)} per row. */
    public static void softmaxBackward(float[] y, float[] dy, float[] dz, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double dot = 0;
            for (int j = 0; j < cols; j++) dot += dy[o + j] * y[o + j];
            for (int j = 0; j < cols; j++) dz[o + j] = (float) (y[o + j] * (dy[o + j] - dot));
        }
    }
}
