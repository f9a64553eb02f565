package dev.keel.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The one thread pool Keel's kernels share, sized to the available processors.
 *
 * <p>Work is split into a fixed number of chunks whose boundaries depend only on the problem, never on
 * timing, so results are bit-identical whatever the thread count. The calling thread runs the first chunk
 * itself; the others go to the pool.
 */
public final class Parallel {
    private static final AtomicInteger THREAD_ID = new AtomicInteger();
    private static volatile int threads = Math.max(1, Integer.getInteger("keel.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final ForkJoinPool POOL = new ForkJoinPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            pool -> {
                var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("keel-worker-" + THREAD_ID.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, null, false);

    private Parallel() {}

    /** The number of threads kernels may use (default: available processors, or -Dkeel.threads). */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads kernels may use; 1 makes every kernel single-threaded. */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        threads = Math.min(n, POOL.getParallelism() + 1);
    }

    /** Runs {@code body.accept(c)} for c in [0, chunks), spread over the pool; returns when all are done. */
    public static void forEach(int chunks, IntConsumer body) {
        if (chunks <= 1 || threads <= 1) {
            for (int c = 0; c < chunks; c++) body.accept(c);
            return;
        }
        @SuppressWarnings("unchecked")
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            final int chunk = c;
            tasks[c - 1] = POOL.submit(() -> body.accept(chunk));
        }
        RuntimeException first = null;
        try {
            body.accept(0);
        } catch (RuntimeException e) {
            first = e;
        }
        for (ForkJoinTask<?> t : tasks) {
            try {
                t.join();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
