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
     * <p>One pass over memory, in row tiles of about 16 KB. Everything is computed relative to the first row
     * K (so summands and the running mean are of the order of the spread, not of the mean): each tile's mean,
     * its squared deviations by the corrected two-pass formula {@code Σd² − (Σd)²/n}, d = x − K − tile mean,
     * with the tile still in L1, and Chan et al.'s pairwise merge of the tiles. Exact to float rounding even
     * when |mean| ≫ std.
     */
    public static void moments(float[] x, int rows, int features, float[] mean, float[] var) {
        byFeatures(rows, features, (f0, f1) -> moments(x, rows, features, f0, f1, mean, var));
    }

    private static void moments(float[] x, int rows, int features, int f0, int f1, float[] mean, float[] var) {
        // var holds the running sum of squared deviations (M2) until the end.
        java.util.Arrays.fill(mean, f0, f1, 0f);
        java.util.Arrays.fill(var, f0, f1, 0f);
        int tile = tileRows(features);   // from the full width, not the range: the same tiles on any thread count
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int nt = Math.min(tile, rows - r0);
            float invT = 1f / nt, fb = (float) nt / (r0 + nt), fab = (float) r0 * nt / (r0 + nt);
            int base = r0 * features, end = base + nt * features;
            int f = f0;
            for (; f + 4 * L <= f1; f += 4 * L) {
                // Everything relative to the first row K (so the summands and the running mean are of the order
                // of the spread, not of the mean): the tile's mean, then its corrected two-pass M2 (tile in L1).
                FloatVector k0 = FloatVector.fromArray(S, x, f), k1 = FloatVector.fromArray(S, x, f + L);
                FloatVector k2 = FloatVector.fromArray(S, x, f + 2 * L), k3 = FloatVector.fromArray(S, x, f + 3 * L);
                FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                for (int o = base + f; o < end; o += features) {
                    s0 = s0.add(FloatVector.fromArray(S, x, o).sub(k0));
                    s1 = s1.add(FloatVector.fromArray(S, x, o + L).sub(k1));
                    s2 = s2.add(FloatVector.fromArray(S, x, o + 2 * L).sub(k2));
                    s3 = s3.add(FloatVector.fromArray(S, x, o + 3 * L).sub(k3));
                }
                FloatVector t0 = s0.mul(invT), t1 = s1.mul(invT), t2 = s2.mul(invT), t3 = s3.mul(invT);
                if (SPLIT_DEVIATIONS) {
                    deviations(x, base + f, end, features, k0, k1, t0, t1, invT, fb, fab, mean, var, f);
                    deviations(x, base + f + 2 * L, end, features, k2, k3, t2, t3, invT, fb, fab, mean, var, f + 2 * L);
                    continue;
                }
                FloatVector d0 = FloatVector.zero(S), d1 = d0, d2 = d0, d3 = d0, q0 = d0, q1 = d0, q2 = d0, q3 = d0;
                for (int o = base + f; o < end; o += features) {
                    FloatVector e0 = FloatVector.fromArray(S, x, o).sub(k0).sub(t0), e1 = FloatVector.fromArray(S, x, o + L).sub(k1).sub(t1);
                    FloatVector e2 = FloatVector.fromArray(S, x, o + 2 * L).sub(k2).sub(t2), e3 = FloatVector.fromArray(S, x, o + 3 * L).sub(k3).sub(t3);
                    d0 = d0.add(e0); d1 = d1.add(e1); d2 = d2.add(e2); d3 = d3.add(e3);
                    q0 = e0.fma(e0, q0); q1 = e1.fma(e1, q1); q2 = e2.fma(e2, q2); q3 = e3.fma(e3, q3);
                }
                merge(mean, var, f, t0, q0.sub(d0.mul(d0).mul(invT)), fb, fab);
                merge(mean, var, f + L, t1, q1.sub(d1.mul(d1).mul(invT)), fb, fab);
                merge(mean, var, f + 2 * L, t2, q2.sub(d2.mul(d2).mul(invT)), fb, fab);
                merge(mean, var, f + 3 * L, t3, q3.sub(d3.mul(d3).mul(invT)), fb, fab);
            }
            for (; f < f1; f++) {   // the remaining features (fewer than four vectors), one at a time
                float k = x[f], sum = 0f;
                for (int o = base + f; o < end; o += features) sum += x[o] - k;
                float t = sum * invT, d = 0f, q = 0f;
                for (int o = base + f; o < end; o += features) { float e = x[o] - k - t; d += e; q += e * e; }
                float delta = t - mean[f];
                mean[f] += delta * fb;
                var[f] += (q - d * d * invT) + delta * delta * fab;
            }
        }
        for (int f = f0; f < f1; f++) mean[f] += x[f];   // undo the shift
        float inv = 1f / rows;
        for (int f = f0; f < f1; f++) var[f] = Math.max(0f, var[f] * inv);
    }

    /**
     * The second pass over a tile keeps 16 vectors live (k, t, Σd, Σd² for four vectors of features): with 16
     * registers (AVX2) C2 spills them, so there it runs as two passes of two vectors from L1. Same arithmetic
     * per lane, so the same bits; 1.14–1.18× at 1024×128 on a Zen 3 (paired). AVX-512's 32 registers hold all 16.
     */
    private static final boolean SPLIT_DEVIATIONS = S.vectorBitSize() < 512;

    /** The second pass for two vectors of features at f: squared deviations from k + t, merged into (mean, M2). */
    private static void deviations(float[] x, int from, int end, int features, FloatVector k0, FloatVector k1,
                                   FloatVector t0, FloatVector t1, float invT, float fb, float fab, float[] mean, float[] var, int f) {
        FloatVector d0 = FloatVector.zero(S), d1 = d0, q0 = d0, q1 = d0;
        for (int o = from; o < end; o += features) {
            FloatVector e0 = FloatVector.fromArray(S, x, o).sub(k0).sub(t0), e1 = FloatVector.fromArray(S, x, o + L).sub(k1).sub(t1);
            d0 = d0.add(e0); d1 = d1.add(e1);
            q0 = e0.fma(e0, q0); q1 = e1.fma(e1, q1);
        }
        merge(mean, var, f, t0, q0.sub(d0.mul(d0).mul(invT)), fb, fab);
        merge(mean, var, f + L, t1, q1.sub(d1.mul(d1).mul(invT)), fb, fab);
    }

    /**
     * Chan et al.'s merge of a tile (mean t, sum of squared deviations q, n_b rows) into the running
     * (mean, M2) of n_a rows: δ = t − mean; mean += δ·n_b/n; M2 += q + δ²·n_a·n_b/n.
     */
    private static void merge(float[] mean, float[] m2, int f, FloatVector t, FloatVector q, float fb, float fab) {
        FloatVector m = FloatVector.fromArray(S, mean, f), delta = t.sub(m);
        delta.mul(fb).add(m).intoArray(mean, f);
        delta.mul(delta).mul(fab).add(FloatVector.fromArray(S, m2, f).add(q)).intoArray(m2, f);
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
        byFeatures(rows, features, (f0, f1) -> centeredAffine(x, y, rows, features, f0, f1, center, scale, shift));
    }

    private static void centeredAffine(float[] x, float[] y, int rows, int features, int f0, int f1, float[] center, float[] scale, float[] shift) {
        int tile = tileRows(features);   // from the full width, not the range: the same tiles on any thread count
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int base = r0 * features, end = Math.min(rows, r0 + tile) * features;
            int f = f0;
            for (; f + 2 * L <= f1; f += 2 * L) {
                FloatVector c0 = FloatVector.fromArray(S, center, f), c1 = FloatVector.fromArray(S, center, f + L);
                FloatVector a0 = FloatVector.fromArray(S, scale, f), a1 = FloatVector.fromArray(S, scale, f + L);
                FloatVector t0 = FloatVector.fromArray(S, shift, f), t1 = FloatVector.fromArray(S, shift, f + L);
                for (int o = base + f; o < end; o += features) {
                    FloatVector.fromArray(S, x, o).sub(c0).fma(a0, t0).intoArray(y, o);
                    FloatVector.fromArray(S, x, o + L).sub(c1).fma(a1, t1).intoArray(y, o + L);
                }
            }
            for (; f < f1; f++) {
                float c = center[f], a = scale[f], t = shift[f];
                for (int o = base + f; o < end; o += features) y[o] = (x[o] - c) * a + t;
            }
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
        byFeatures(rows, features, (f0, f1) -> batchNormBackward(x, dy, dx, rows, features, f0, f1, mean, invStd, gamma, dgamma, dbeta));
    }

    private static void batchNormBackward(float[] x, float[] dy, float[] dx, int rows, int features, int f0, int f1,
                                          float[] mean, float[] invStd, float[] gamma, float[] dgamma, float[] dbeta) {
        float invRows = 1f / rows;
        int tile = tileRows(2 * features);   // two arrays per tile
        java.util.Arrays.fill(dbeta, f0, f1, 0f);
        java.util.Arrays.fill(dgamma, f0, f1, 0f);
        // Pass 1, row tiles in memory order: dbeta = Σ dy, dgamma = Σ dy·x̂. The running sums are carried from
        // tile to tile, so each feature is summed in plain row order.
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
        if (dx == null) return;
        // Pass 2: dx = k·dy + (x−μ)·u + w with k = γ·invStd, u = −k·invStd·dgamma/rows, w = −k·dbeta/rows.
        // (x−μ) is formed first: folding −u·μ into w would cancel catastrophically when |μ| ≫ σ.
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int base = r0 * features, end = Math.min(rows, r0 + tile) * features;
            int f = f0;
            for (; f + 2 * L <= f1; f += 2 * L) {
                FloatVector m0 = FloatVector.fromArray(S, mean, f), m1 = FloatVector.fromArray(S, mean, f + L);
                FloatVector i0 = FloatVector.fromArray(S, invStd, f), i1 = FloatVector.fromArray(S, invStd, f + L);
                FloatVector k0 = gamma == null ? i0 : FloatVector.fromArray(S, gamma, f).mul(i0);
                FloatVector k1 = gamma == null ? i1 : FloatVector.fromArray(S, gamma, f + L).mul(i1);
                FloatVector u0 = k0.mul(i0).mul(FloatVector.fromArray(S, dgamma, f)).mul(-invRows);
                FloatVector u1 = k1.mul(i1).mul(FloatVector.fromArray(S, dgamma, f + L)).mul(-invRows);
                FloatVector w0 = k0.mul(FloatVector.fromArray(S, dbeta, f)).mul(-invRows);
                FloatVector w1 = k1.mul(FloatVector.fromArray(S, dbeta, f + L)).mul(-invRows);
                for (int o = base + f; o < end; o += features) {
                    FloatVector r0v = FloatVector.fromArray(S, dy, o).fma(k0, w0), r1v = FloatVector.fromArray(S, dy, o + L).fma(k1, w1);
                    FloatVector.fromArray(S, x, o).sub(m0).fma(u0, r0v).intoArray(dx, o);
                    FloatVector.fromArray(S, x, o + L).sub(m1).fma(u1, r1v).intoArray(dx, o + L);
                }
            }
            for (; f < f1; f++) {
                float m = mean[f], is = invStd[f];
                float k = (gamma == null ? 1f : gamma[f]) * is, u = -k * is * dgamma[f] * invRows, w = -k * dbeta[f] * invRows;
                for (int o = base + f; o < end; o += features) dx[o] = dy[o] * k + (x[o] - m) * u + w;
            }
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
