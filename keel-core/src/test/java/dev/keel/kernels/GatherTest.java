package dev.keel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GatherTest {
    /** Widths below, at and between vector blocks; row counts below, at and past the eight side-by-side streams. */
    @Test
    void copiesTheIndexedRowsWhateverTheWidthAndCount() {
        SplittableRandom r = new SplittableRandom(3);
        for (int cols : new int[] {1, 10, 16, 17, 33, 784}) {
            int n = 50;
            float[] src = new float[n * cols];
            for (int i = 0; i < src.length; i++) src[i] = (float) r.nextGaussian();
            int[] index = new int[n];
            for (int i = 0; i < n; i++) index[i] = r.nextInt(n);
            for (int[] range : new int[][] {{0, 3}, {0, 8}, {5, 30}, {0, 50}}) {
                int from = 2, r0 = range[0], r1 = Math.min(range[1], n - from);
                float[] got = new float[n * cols], want = new float[n * cols];
                java.util.Arrays.fill(got, -7f);
                java.util.Arrays.fill(want, -7f);   // rows outside [r0, r1) stay untouched
                for (int row = r0; row < r1; row++) System.arraycopy(src, index[from + row] * cols, want, row * cols, cols);
                Gather.rows(src, cols, index, from, r0, r1, got);
                assertArrayEquals(want, got, "cols " + cols + ", rows " + r0 + "-" + r1);
            }
        }
    }
}
