package dev.keel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
