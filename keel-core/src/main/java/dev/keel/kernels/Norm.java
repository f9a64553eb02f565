package dev.keel.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels for normalization over the batch axis of {@code x[rows×features]} (batch normalization,
 * feature standardization) and over the feature axis (layer normalization). All loops run along the
 * contiguous feature axis with SIMD vectors and a scalar tail.
 *
 * <p>Batch statistics stream the rows once, in L1-sized tiles: two passes inside each tile (mean, then
 * squared deviations), tiles merged pairwise. That is exact to float rounding even when |mean| ≫ std:
 * inputs with mean 1e4 and std 1 normalise correctly, where E[x²]−E[x]² would cancel to noise. Sums
 * accumulate in float lanes in a fixed order, and large batches split by feature across threads with
 * bit-identical results.
 */
public final class Norm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Norm() {}

    /**
     * Per-feature mean and biased variance over the rows: {@code mean[f] = Σ_b x[b,f]/rows},
     * {@code var[f] = Σ_b (x[b,f]−mean[f])²/rows}.
     *
     * <p>One pass over memory, in row tiles of about 16 KB, each read twice while it is in L1: a rough tile mean
     * c = Σx/n, then the deviations e = x − c, with the corrected two-pass formula {@code M2 = Σe² − (Σe)²/n}
     * (which cancels c's rounding error) and the tile's mean {@code (c − K) + Σe/n} relative to the first row K,
     * so that the running mean is of the order of the spread, not of the mean. Tiles are merged by Chan et
     * al.'s pairwise formula. Exact to float rounding even when |mean| ≫ std.
     */
    public static void moments(float[] x, int rows, int features, float[] mean, float[] var) {
        byFeatures(rows, features, (f0, f1) -> moments(x, rows, features, f0, f1, mean, var));
    }

    private static void moments(float[] x, int rows, int features, int f0, int f1, float[] mean, float[] var) {
        // var holds the running sum of squared deviations (M2) until the end; mean is relative to row 0 (K).
        java.util.Arrays.fill(mean, f0, f1, 0f);
        java.util.Arrays.fill(var, f0, f1, 0f);
        // Per block of four vectors: the rough tile mean c, then the tile's mean (relative to K) and M2. Vectors
        // pass between methods through this scratch, never as arguments: C2 does not inline the helpers into
        // a method this large, and a FloatVector argument to a call that is not inlined is boxed on the heap.
        float[] tmp = new float[12 * L];
        int tile = tileRows(features);   // from the full width, not the range: the same tiles on any thread count
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int nt = Math.min(tile, rows - r0);
            float invT = 1f / nt, fb = (float) nt / (r0 + nt), fab = (float) r0 * nt / (r0 + nt);
            int base = r0 * features, end = base + nt * features;
            int f = f0;
            for (; f + 4 * L <= f1; f += 4 * L) {
                tileSums(x, base + f, end, features, invT, tmp);
                deviations(x, base + f, end, features, invT, f, tmp, 0);
                deviations(x, base + f + 2 * L, end, features, invT, f + 2 * L, tmp, 2 * L);
                merge(mean, var, f, 4 * L, tmp, fb, fab);
            }
            for (; f < f1; f++) {   // the remaining features (fewer than four vectors), one at a time
                float sum = 0f;
                for (int o = base + f; o < end; o += features) sum += x[o];
                float c = sum * invT, d = 0f, q = 0f;
                for (int o = base + f; o < end; o += features) { float e = x[o] - c; d += e; q += e * e; }
                float t = (c - x[f]) + d * invT, delta = t - mean[f];
                mean[f] += delta * fb;
                var[f] += (q - d * d * invT) + delta * delta * fab;
            }
        }
        for (int f = f0; f < f1; f++) mean[f] += x[f];   // undo the shift
        float inv = 1f / rows;
        for (int f = f0; f < f1; f++) var[f] = Math.max(0f, var[f] * inv);
    }

    /**
     * Pass 1 over a tile, four vectors of features from {@code from}: the rough mean c = Σx/n into tmp[0:4L].
     * Plain float sums; even and odd rows in separate accumulators, so that eight add chains run at once.
     */
    private static void tileSums(float[] x, int from, int end, int features, float invT, float[] tmp) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, u0 = s0, u1 = s0, u2 = s0, u3 = s0;
        int o = from;
        for (; o + features < end; o += 2 * features) {
            int p = o + features;
            s0 = s0.add(FloatVector.fromArray(S, x, o)); s1 = s1.add(FloatVector.fromArray(S, x, o + L));
            s2 = s2.add(FloatVector.fromArray(S, x, o + 2 * L)); s3 = s3.add(FloatVector.fromArray(S, x, o + 3 * L));
            u0 = u0.add(FloatVector.fromArray(S, x, p)); u1 = u1.add(FloatVector.fromArray(S, x, p + L));
            u2 = u2.add(FloatVector.fromArray(S, x, p + 2 * L)); u3 = u3.add(FloatVector.fromArray(S, x, p + 3 * L));
        }
        if (o < end) {
            s0 = s0.add(FloatVector.fromArray(S, x, o)); s1 = s1.add(FloatVector.fromArray(S, x, o + L));
            s2 = s2.add(FloatVector.fromArray(S, x, o + 2 * L)); s3 = s3.add(FloatVector.fromArray(S, x, o + 3 * L));
        }
        s0.add(u0).mul(invT).intoArray(tmp, 0); s1.add(u1).mul(invT).intoArray(tmp, L);
        s2.add(u2).mul(invT).intoArray(tmp, 2 * L); s3.add(u3).mul(invT).intoArray(tmp, 3 * L);
    }

    /**
     * Pass 2 over a tile (now in L1) for two vectors of features at f, the rough mean c at tmp[at:at+2L]:
     * deviations e = x − c, Σe and Σe² (even and odd rows apart), then the tile's mean relative to row 0,
     * (c − K) + Σe/n, into tmp[4L+at:], and its corrected two-pass M2 = Σe² − (Σe)²/n, which cancels c's
     * error, into tmp[8L+at:]. Two vectors, not four: with AVX2's 16 registers, four spill.
     */
    private static void deviations(float[] x, int from, int end, int features, float invT, int f, float[] tmp, int at) {
        FloatVector c0 = FloatVector.fromArray(S, tmp, at), c1 = FloatVector.fromArray(S, tmp, at + L);
        FloatVector d0 = FloatVector.zero(S), d1 = d0, q0 = d0, q1 = d0, h0 = d0, h1 = d0, w0 = d0, w1 = d0;
        int o = from;
        for (; o + features < end; o += 2 * features) {
            int p = o + features;
            FloatVector e0 = FloatVector.fromArray(S, x, o).sub(c0), e1 = FloatVector.fromArray(S, x, o + L).sub(c1);
            FloatVector g0 = FloatVector.fromArray(S, x, p).sub(c0), g1 = FloatVector.fromArray(S, x, p + L).sub(c1);
            d0 = d0.add(e0); d1 = d1.add(e1); q0 = e0.fma(e0, q0); q1 = e1.fma(e1, q1);
            h0 = h0.add(g0); h1 = h1.add(g1); w0 = g0.fma(g0, w0); w1 = g1.fma(g1, w1);
        }
        if (o < end) {
            FloatVector e0 = FloatVector.fromArray(S, x, o).sub(c0), e1 = FloatVector.fromArray(S, x, o + L).sub(c1);
            d0 = d0.add(e0); d1 = d1.add(e1); q0 = e0.fma(e0, q0); q1 = e1.fma(e1, q1);
        }
        d0 = d0.add(h0); d1 = d1.add(h1); q0 = q0.add(w0); q1 = q1.add(w1);
        c0.sub(FloatVector.fromArray(S, x, f)).add(d0.mul(invT)).intoArray(tmp, 4 * L + at);
        c1.sub(FloatVector.fromArray(S, x, f + L)).add(d1.mul(invT)).intoArray(tmp, 5 * L + at);
        q0.sub(d0.mul(d0).mul(invT)).intoArray(tmp, 8 * L + at);
        q1.sub(d1.mul(d1).mul(invT)).intoArray(tmp, 9 * L + at);
    }

    /**
     * Chan et al.'s merge of tiles (mean t at tmp[4L:], sum of squared deviations q at tmp[8L:], n_b rows) into
     * the running (mean, M2) of n_a rows for {@code width} features at f: δ = t − mean; mean += δ·n_b/n;
     * M2 += q + δ²·n_a·n_b/n.
     */
    private static void merge(float[] mean, float[] m2, int f, int width, float[] tmp, float fb, float fab) {
        for (int i = 0; i < width; i += L) {
            FloatVector m = FloatVector.fromArray(S, mean, f + i), delta = FloatVector.fromArray(S, tmp, 4 * L + i).sub(m);
            delta.mul(fb).add(m).intoArray(mean, f + i);
            delta.mul(delta).mul(fab).add(FloatVector.fromArray(S, m2, f + i).add(FloatVector.fromArray(S, tmp, 8 * L + i))).intoArray(m2, f + i);
        }
    }

    /** Below this many elements a BN kernel runs on the calling thread (a parallel call costs a few µs). */
    private static final int PARALLEL_MIN_ELEMENTS = 1 << 16;

    /** A column range [f0, f1) of the features. */
    @FunctionalInterface
    private interface FeatureRange {
        void run(int f0, int f1);
    }

    /**
     * Runs a per-feature kernel over column blocks of 4 vectors on the kernel threads when the batch is large.
     * Each feature is computed by the same code whatever the split, so results are bit-identical to serial.
     */
    private static void byFeatures(int rows, int features, FeatureRange body) {
        int blocks = features / (4 * L);
        int chunks = (long) rows * features < PARALLEL_MIN_ELEMENTS ? 1 : Math.min(blocks, Parallel.threads());
        if (chunks <= 1) {
            body.run(0, features);
            return;
        }
        Parallel.forEach(chunks, c -> {
            int f0 = blocks * c / chunks * 4 * L, f1 = c == chunks - 1 ? features : blocks * (c + 1) / chunks * 4 * L;
            body.run(f0, f1);
        });
    }

    /** A row range [r0, r1). */
    @FunctionalInterface
    private interface RowRange {
        void run(int r0, int r1);
    }

    /** Runs an element-wise kernel over row blocks on the kernel threads when the batch is large (same bits). */
    private static void byRows(int rows, int features, RowRange body) {
        int chunks = (long) rows * features < PARALLEL_MIN_ELEMENTS ? 1 : Math.min(rows, Parallel.threads());
        if (chunks <= 1) {
            body.run(0, rows);
            return;
        }
        Parallel.forEach(chunks, c -> body.run((int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks)));
    }

    /** Rows per tile: about 16 KB of the column range, so a tile read twice is read from L1 the second time. */
    private static int tileRows(int width) {
        return Math.max(4, Math.min(256, 4096 / Math.max(1, width)));
    }

    /** {@code invStd[f] = 1/√(var[f]+ε)}. */
    public static void invStd(float[] var, float epsilon, float[] invStd, int features) {
        for (int f = 0; f < features; f++) invStd[f] = (float) (1.0 / Math.sqrt((double) var[f] + epsilon));
    }

    /**
     * Per-feature centred affine map {@code y[b,f] = (x[b,f] − center[f])·scale[f] + shift[f]}: batch
     * normalization in training (center = μ_B, scale = γ/√(σ²_B+ε), shift = β) and inference (the moving
     * statistics). Centring first keeps full precision when |μ| ≫ σ; {@code x·s + (β − μ·s)} would not.
     */
    public static void centeredAffine(float[] x, float[] y, int rows, int features, float[] center, float[] scale, float[] shift) {
        byRows(rows, features, (r0, r1) -> centeredAffine(x, y, r0, r1, features, center, scale, shift));
    }

    /**
     * Rows [r0, r1) in memory order, the per-feature vectors reloaded from L1 for each row: 1.19–1.25× the
     * column-blocked loop it replaced (paired, 1024×128, Zen 3), whose row stride C2 cannot range-check away.
     */
    private static void centeredAffine(float[] x, float[] y, int r0, int r1, int features, float[] center, float[] scale, float[] shift) {
        int vEnd = S.loopBound(features);
        for (int r = r0; r < r1; r++) {
            int o = r * features, f = 0;
            for (; f < vEnd; f += L) {
                FloatVector.fromArray(S, x, o + f).sub(FloatVector.fromArray(S, center, f))
                    .fma(FloatVector.fromArray(S, scale, f), FloatVector.fromArray(S, shift, f)).intoArray(y, o + f);
            }
            for (; f < features; f++) y[o + f] = (x[o + f] - center[f]) * scale[f] + shift[f];
        }
    }

    /**
     * Batch-normalization backward, two fused passes. With x̂ = (x−μ)·invStd:
     * {@code dgamma[f] = Σ_b dy·x̂}, {@code dbeta[f] = Σ_b dy},
     * {@code dx = gamma·invStd·(dy − dbeta/rows − x̂·dgamma/rows)}.
     * {@code gamma} may be null (scale=false: γ = 1). {@code dx} may be null when no input gradient is needed.
     */
    public static void batchNormBackward(float[] x, float[] dy, float[] dx, int rows, int features,
                                         float[] mean, float[] invStd, float[] gamma,
                                         float[] dgamma, float[] dbeta) {
        byFeatures(rows, features, (f0, f1) -> parameterGradients(x, dy, rows, features, f0, f1, mean, invStd, dgamma, dbeta));
        if (dx == null) return;
        // dx = k·dy + (x−μ)·u + w with k = γ·invStd, u = −k·invStd·dgamma/rows, w = −k·dbeta/rows.
        float invRows = 1f / rows;
        float[] k = new float[features], u = new float[features], w = new float[features];
        for (int f = 0; f < features; f++) {
            float is = invStd[f], kf = gamma == null ? is : gamma[f] * is;
            k[f] = kf;
            u[f] = kf * is * dgamma[f] * -invRows;
            w[f] = kf * dbeta[f] * -invRows;
        }
        byRows(rows, features, (r0, r1) -> inputGradient(x, dy, dx, r0, r1, features, mean, k, u, w));
    }

    /** dbeta[f] = Σ_b dy and dgamma[f] = Σ_b dy·x̂ for features [f0, f1), each summed in plain row order. */
    private static void parameterGradients(float[] x, float[] dy, int rows, int features, int f0, int f1,
                                           float[] mean, float[] invStd, float[] dgamma, float[] dbeta) {
        int tile = tileRows(2 * features);   // two arrays per tile
        java.util.Arrays.fill(dbeta, f0, f1, 0f);
        java.util.Arrays.fill(dgamma, f0, f1, 0f);
        // Row tiles in memory order; the running sums are carried from tile to tile.
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int base = r0 * features, end = Math.min(rows, r0 + tile) * features;
            int f = f0;
            for (; f + 2 * L <= f1; f += 2 * L) {
                FloatVector m0 = FloatVector.fromArray(S, mean, f), m1 = FloatVector.fromArray(S, mean, f + L);
                FloatVector i0 = FloatVector.fromArray(S, invStd, f), i1 = FloatVector.fromArray(S, invStd, f + L);
                FloatVector sb0 = FloatVector.fromArray(S, dbeta, f), sb1 = FloatVector.fromArray(S, dbeta, f + L);
                FloatVector sg0 = FloatVector.fromArray(S, dgamma, f), sg1 = FloatVector.fromArray(S, dgamma, f + L);
                for (int o = base + f; o < end; o += features) {
                    FloatVector g0 = FloatVector.fromArray(S, dy, o), g1 = FloatVector.fromArray(S, dy, o + L);
                    FloatVector h0 = FloatVector.fromArray(S, x, o).sub(m0).mul(i0), h1 = FloatVector.fromArray(S, x, o + L).sub(m1).mul(i1);
                    sb0 = sb0.add(g0); sb1 = sb1.add(g1);
                    sg0 = g0.fma(h0, sg0); sg1 = g1.fma(h1, sg1);
                }
                sb0.intoArray(dbeta, f); sb1.intoArray(dbeta, f + L);
                sg0.intoArray(dgamma, f); sg1.intoArray(dgamma, f + L);
            }
            for (; f < f1; f++) {
                float m = mean[f], is = invStd[f], sb = dbeta[f], sg = dgamma[f];
                for (int o = base + f; o < end; o += features) {
                    float g = dy[o];
                    sb += g;
                    sg += g * ((x[o] - m) * is);
                }
                dbeta[f] = sb;
                dgamma[f] = sg;
            }
        }
    }

    /**
     * dx for rows [r0, r1) in memory order: {@code dx = k·dy + (x−μ)·u + w}. (x−μ) is formed first: folding
     * −u·μ into w would cancel catastrophically when |μ| ≫ σ.
     */
    private static void inputGradient(float[] x, float[] dy, float[] dx, int r0, int r1, int features,
                                      float[] mean, float[] k, float[] u, float[] w) {
        int vEnd = S.loopBound(features);
        for (int r = r0; r < r1; r++) {
            int o = r * features, f = 0;
            for (; f < vEnd; f += L) {
                FloatVector t = FloatVector.fromArray(S, dy, o + f).fma(FloatVector.fromArray(S, k, f), FloatVector.fromArray(S, w, f));
                FloatVector.fromArray(S, x, o + f).sub(FloatVector.fromArray(S, mean, f)).fma(FloatVector.fromArray(S, u, f), t).intoArray(dx, o + f);
            }
            for (; f < features; f++) dx[o + f] = dy[o + f] * k[f] + (x[o + f] - mean[f]) * u[f] + w[f];
        }
    }

    /**
     * Layer normalization forward over each row of {@code x[rows×features]}:
     * {@code y = γ·(x − μ_r)/√(σ²_r + ε) + β}; writes each row's mean and 1/√(σ²_r+ε) for the backward.
     * {@code gamma}/{@code beta} may be null (scale/center off).
     */
    public static void layerNormForward(float[] x, float[] y, int rows, int features, float[] gamma, float[] beta,
                                        float epsilon, float[] rowMean, float[] rowInvStd) {
        for (int r = 0; r < rows; r++) {
            int o = r * features;
            double sum = 0;
            for (int f = 0; f < features; f++) sum += x[o + f];
            float mean = (float) (sum / features);
            double sq = 0;
            for (int f = 0; f < features; f++) { double d = x[o + f] - mean; sq += d * d; }
            float inv = (float) (1.0 / Math.sqrt(sq / features + epsilon));
            rowMean[r] = mean;
            rowInvStd[r] = inv;
            for (int f = 0; f < features; f++) {
                float v = (x[o + f] - mean) * inv;
                if (gamma != null) v *= gamma[f];
                if (beta != null) v += beta[f];
                y[o + f] = v;
            }
        }
    }

    /**
     * Layer normalization backward. With x̂ = (x − μ_r)·inv_r and g = dy·γ:
     * {@code dx = inv_r·(g − mean_f(g) − x̂·mean_f(g·x̂))}, {@code dγ = Σ_r dy·x̂}, {@code dβ = Σ_r dy}.
     */
    public static void layerNormBackward(float[] x, float[] dy, float[] dx, int rows, int features, float[] gamma,
                                         float[] rowMean, float[] rowInvStd, float[] dgamma, float[] dbeta) {
        java.util.Arrays.fill(dgamma, 0, features, 0f);
        java.util.Arrays.fill(dbeta, 0, features, 0f);
        for (int r = 0; r < rows; r++) {
            int o = r * features;
            float mean = rowMean[r], inv = rowInvStd[r];
            double sg = 0, sgx = 0;
            for (int f = 0; f < features; f++) {
                float xh = (x[o + f] - mean) * inv;
                float g = dy[o + f] * (gamma == null ? 1f : gamma[f]);
                dgamma[f] += dy[o + f] * xh;
                dbeta[f] += dy[o + f];
                sg += g;
                sgx += g * xh;
            }
            if (dx == null) continue;
            float mg = (float) (sg / features), mgx = (float) (sgx / features);
            for (int f = 0; f < features; f++) {
                float xh = (x[o + f] - mean) * inv;
                float g = dy[o + f] * (gamma == null ? 1f : gamma[f]);
                dx[o + f] = inv * (g - mg - xh * mgx);
            }
        }
    }

    /** True if any of {@code v[0:n]} is NaN or infinite. */
    public static boolean hasNonFinite(float[] v, int n) {
        if (n < SCAN_CHUNK * 2 || Parallel.threads() == 1) return hasNonFinite(v, 0, n);
        int chunks = (n + SCAN_CHUNK - 1) / SCAN_CHUNK;   // whole-dataset checks (fit, predict) use every core
        java.util.concurrent.atomic.AtomicBoolean found = new java.util.concurrent.atomic.AtomicBoolean();
        Parallel.forEach(chunks, c -> {
            if (!found.get() && hasNonFinite(v, c * SCAN_CHUNK, Math.min(n, (c + 1) * SCAN_CHUNK))) found.set(true);
        });
        return found.get();
    }

    private static final int SCAN_CHUNK = 1 << 18;

    private static boolean hasNonFinite(float[] v, int from, int n) {
        int upper = from + S.loopBound(n - from), i = from;
        for (; i < upper; i += L) {
            // x − x is 0 for finite x and NaN for NaN and ±∞.
            FloatVector a = FloatVector.fromArray(S, v, i);
            if (a.sub(a).test(VectorOperators.IS_NAN).anyTrue()) return true;
        }
        for (; i < n; i++) if (!Float.isFinite(v[i])) return true;
        return false;
    }
}
