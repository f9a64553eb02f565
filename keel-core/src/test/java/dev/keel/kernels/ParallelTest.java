package dev.keel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    /**
     * The caller claims its share from the front and the workers theirs after it, each stealing from the other's
     * end when done: whatever the timing, every chunk must run exactly once.
     */
    @Test
    void everyChunkRunsExactlyOnce() {
        int saved = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 4}) {
                Parallel.setThreads(threads);
                for (int chunks : new int[] {1, 2, 3, 7, 8, 33, 1000}) {
                    for (int rep = 0; rep < 50; rep++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                        int slow = rep % chunks;   // one slow chunk makes the other side steal
                        Parallel.forEach(chunks, c -> {
                            if (c == slow) java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                            runs.incrementAndGet(c);
                        });
                        for (int c = 0; c < chunks; c++) {
                            assertEquals(1, runs.get(c), "chunk " + c + " of " + chunks + " on " + threads + " threads");
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void aChunksExceptionReachesTheCallerAfterTheOthersRan() {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(2);
            IllegalStateException boom = new IllegalStateException("chunk 5");
            AtomicIntegerArray runs = new AtomicIntegerArray(16);
            IllegalStateException got = assertThrows(IllegalStateException.class, () -> Parallel.forEach(16, c -> {
                runs.incrementAndGet(c);
                if (c == 5) throw boom;
            }));
            assertSame(boom, got);
            for (int c = 0; c < 16; c++) assertEquals(1, runs.get(c), "chunk " + c);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /**
     * While placement is watched, parallel calls take turns with probes of worker 1: the probes must be counted and
     * read a positive round trip, the jobs between them must still run every chunk once, and with one thread (or
     * the watch off) no probe may run.
     */
    @Test
    void placementProbesRunBetweenJobsOnlyWhileWatched() throws InterruptedException {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two processors");
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(2);
            Parallel.watchPlacement(true);
            long before = Parallel.probeCounts()[0];
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Parallel.probeCounts()[0] < before + 3 && System.nanoTime() < deadline) {
                AtomicIntegerArray runs = new AtomicIntegerArray(8);
                Parallel.forEach(8, runs::incrementAndGet);
                for (int c = 0; c < 8; c++) assertEquals(1, runs.get(c), "chunk " + c);
                Thread.sleep(5);
            }
            assertTrue(Parallel.probeCounts()[0] >= before + 3, "no probe ran in 5 s of watched parallel calls");
            assertTrue(Parallel.roundTripNanos() > 0, "a probe read " + Parallel.roundTripNanos() + " ns");
            long[] counts = Parallel.probeCounts();
            assertTrue(counts[1] <= counts[0], "far probes " + counts[1] + " > probes " + counts[0]);

            for (boolean oneThread : new boolean[] {true, false}) {
                if (oneThread) Parallel.setThreads(1);
                else {
                    Parallel.setThreads(2);
                    Parallel.watchPlacement(false);
                }
                long quiet = Parallel.probeCounts()[0];
                for (int rep = 0; rep < 10; rep++) {
                    AtomicIntegerArray runs = new AtomicIntegerArray(4);
                    Parallel.forEach(4, runs::incrementAndGet);
                    for (int c = 0; c < 4; c++) assertEquals(1, runs.get(c), "chunk " + c);
                    Thread.sleep(25);
                }
                assertEquals(quiet, Parallel.probeCounts()[0], oneThread ? "probed with one thread" : "probed while not watched");
            }
        } finally {
            Parallel.watchPlacement(false);
            Parallel.setThreads(saved);
        }
    }
}
