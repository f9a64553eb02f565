package dev.keel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GemmTest {
    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    /** Reference C = op(A)·op(B) in double. */
    private static double[] reference(boolean ta, boolean tb, int m, int n, int k, float[] a, float[] b) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[p * m + i] : a[i * k + p];
                    double bv = tb ? b[j * k + p] : b[p * n + j];
                    s += av * bv;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @CsvSource({
            "1,1,1,false,false", "7,5,3,false,false", "6,32,17,false,false", "13,47,29,false,false",
            "32,128,784,false,false", "64,10,64,false,false", "300,70,600,false,false",
            "7,5,3,true,false", "128,64,32,true,false", "784,128,32,true,false", "37,19,300,true,false",
            "7,5,3,false,true", "32,784,128,false,true", "33,100,70,false,true", "5,33,300,false,true",
            "19,23,11,true,true", "200,700,300,false,false"
    })
    void matchesDoublePrecisionReference(int m, int n, int k, boolean ta, boolean tb) {
        float[] a = random(m * k, 1), b = random(k * n, 2);
        float[] c = new float[m * n];
        Gemm.gemm(ta, tb, m, n, k, a, 0, b, 0, c, 0, false);
        double[] ref = reference(ta, tb, m, n, k, a, b);
        double tol = 1e-5 * Math.sqrt(k) + 1e-6;
        for (int i = 0; i < c.length; i++) {
            final int idx = i;
            assertTrue(Math.abs(c[i] - ref[i]) <= tol, () -> "C[" + idx + "] = " + c[idx] + " expected " + ref[idx]);
        }
    }

    /**
     * Every path (row-at-a-time, narrow output, blocked and packed, edge tiles) sums each element over
     * p = 0, 1, … with one fma per step, so all must give the bits of the plain sequential fma loop.
     * That is what makes results independent of the batch size and of the thread count.
     */
    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @CsvSource({
            "1,128,784,false,false", "5,10,64,false,false", "1024,10,64,false,false", "37,16,50,false,false",
            "64,10,1024,true,false", "13,7,300,true,false", "1024,128,784,false,false", "128,64,1024,true,false",
            "1024,64,10,false,true", "33,17,70,false,true", "19,23,11,true,true", "100,40,600,false,false",
            "1027,10,64,false,false", "67,12,90,true,false", "11,9,20,false,false", "40,31,17,false,false",
            "300,48,600,true,false", "784,128,1024,true,false",
            // Aᵀ copied into panels of 8 rows (AVX-512) or 5 (AVX2) when rows are 512+ floats apart, k-blocks 256+ deep
            // and the column blocks whole strips (n = 64; at n = 40 or 70 the panels are copied as rows instead): with
            // a partial last panel and a shallow last k-block (88) read in place; and, at 600 rows, a last 5-row panel
            // whose 8-float copies would read past the end of A
            "1029,40,600,true,false", "600,70,300,true,false", "1029,64,600,true,false", "600,64,300,true,false",
            // packed B over several of its deeper k-blocks and narrower column blocks
            "40,700,600,false,false", "37,300,530,false,true", "45,700,1030,true,false",
            // fewer rows than 3 micro-kernel panels: B read in place (with a packed partial strip), A packed
            "10,40,300,false,false", "14,128,784,false,false", "23,50,70,false,false",
            // with 5-row panels, blocks of rows that are not a multiple of five end in 4-row panels (one to four of
            // them: 64 = 60 + 4, 13 = 5 + 2·4, 32 = 4·5 + 3·4, 21 = 5 + 4·4), B in place or packed; 2 rows are too few
            "32,128,784,false,false", "64,128,300,false,false", "13,48,50,false,false", "21,32,100,false,false",
            "32,64,128,false,true", "2,16,20,false,false",
            // narrow outputs large enough to be split across threads (5.2M FMAs)
            "8192,10,64,false,false", "64,10,8192,true,false", "8195,10,64,false,false"
    })
    void everyPathSumsInTheSameOrderAsASequentialFmaLoop(int m, int n, int k, boolean ta, boolean tb) {
        float[] a = random(m * k, 7), b = random(k * n, 8), bias = random(m * n, 9);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] c = accumulate ? bias.clone() : random(m * n, 10);   // stale values: without accumulate C is overwritten
            Gemm.gemm(ta, tb, m, n, k, a, 0, b, 0, c, 0, accumulate);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float s = accumulate ? bias[i * n + j] : 0f;
                    for (int p = 0; p < k; p++) s = Math.fma(ta ? a[p * m + i] : a[i * k + p], tb ? b[j * k + p] : b[p * n + j], s);
                    if (Float.floatToIntBits(s) != Float.floatToIntBits(c[i * n + j])) {
                        throw new AssertionError("C[" + i + "," + j + "] = " + c[i * n + j] + ", sequential fma gives " + s
                                + " (accumulate=" + accumulate + ")");
                    }
                }
            }
        }
    }

    /** The surefire runs with -Dkeel.gemmRows=5 and =8 must really test the kernel they name. */
    @Test
    void microKernelRowsFollowTheVectorWidthOrTheProperty() {
        String forced = System.getProperty("keel.gemmRows");
        int expected = forced != null ? Integer.parseInt(forced) : Gemm.S.vectorBitSize() >= 512 ? 8 : 5;
        assertTrue(Gemm.MR == expected, "micro-kernel rows " + Gemm.MR + ", expected " + expected + " (" + Gemm.microKernel() + ")");
        assertTrue(Gemm.MC % Gemm.MR == 0, "row blocks must hold whole panels");
    }

    /** Each thread fills its own block with the bias; every path must give the bits of fill-then-accumulate. */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"1,128,784", "3,10,64", "1024,10,64", "1024,128,784", "37,16,50", "8192,10,64", "0,5,3", "4,6,0"})
    void biasStartGivesTheBitsOfFillingThenAccumulating(int m, int n, int k) {
        float[] a = random(m * k, 11), b = random(k * n, 12), bias = random(n, 13);
        float[] want = new float[m * n], got = random(m * n, 14);   // stale values must all be overwritten
        for (int i = 0; i < m; i++) System.arraycopy(bias, 0, want, i * n, n);
        Gemm.gemm(false, false, m, n, k, a, 0, b, 0, want, 0, true);
        Gemm.gemmBias(false, false, m, n, k, a, 0, b, 0, got, 0, bias);
        assertArrayEquals(want, got);
    }

    @Test
    void accumulateAddsToExistingValues() {
        int m = 9, n = 35, k = 12;
        float[] a = random(m * k, 3), b = random(k * n, 4), c = new float[m * n], c2 = new float[m * n];
        java.util.Arrays.fill(c, 1.5f);
        Gemm.gemm(false, false, m, n, k, a, 0, b, 0, c, 0, true);
        Gemm.matmul(a, b, c2, m, k, n);
        for (int i = 0; i < c.length; i++) assertTrue(Math.abs(c[i] - (c2[i] + 1.5f)) < 1e-5);
    }

    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        int m = 512, n = 384, k = 300;
        float[] a = random(m * k, 5), b = random(k * n, 6);
        float[] one = new float[m * n], two = new float[m * n];
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Gemm.matmul(a, b, one, m, k, n);
            Parallel.setThreads(2);
            Gemm.matmul(a, b, two, m, k, n);
        } finally {
            Parallel.setThreads(saved);
        }
        assertArrayEquals(one, two);
    }

    @Test
    void rejectsOperandsThatAreTooShort() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.matmul(new float[5], new float[6], new float[4], 2, 3, 2));
        assertTrue(e.getMessage().contains("operand A"), e.getMessage());
    }
}
