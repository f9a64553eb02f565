package dev.keel.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The one set of worker threads Keel's kernels share, sized to the available processors.
 *
 * <p>A job is split into chunks whose boundaries depend only on the problem; threads claim chunks (the caller
 * its share from the front, see {@link Job}), and since each chunk writes its own part of the result, the
 * result is bit-identical whatever the thread count or timing. Workers spin for a short while after a job
 * before parking, as OpenMP does, because training issues small kernels back to back and waking a parked
 * thread costs more than a small GEMM. A call made from inside a job, or while another thread's job runs, simply runs on the calling
 * thread: concurrent callers (many threads predicting at once) never wait for each other.
 */
public final class Parallel {
    private static final int PROCESSORS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** How long an idle worker spins before parking. */
    private static final long SPIN_NANOS = Long.getLong("keel.spinMicros", 200) * 1000;
    private static volatile int threads = Math.max(1, Math.min(PROCESSORS, Integer.getInteger("keel.threads", PROCESSORS)));
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);
    private static final AtomicReference<Job> CURRENT = new AtomicReference<>();
    private static final Worker[] WORKERS = new Worker[PROCESSORS - 1];
    private static volatile long generation;

    private Parallel() {}

    /** The number of threads kernels may use (default: available processors, or -Dkeel.threads). */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads kernels may use (1 makes every kernel single-threaded). */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        threads = Math.min(n, PROCESSORS);
    }

    /**
     * True if more than one thread may be used and a worker is spinning after a recent job, not parked. Kernels
     * too small to pay for waking a parked worker split only then: in a batch-1024 step the workers stay awake
     * between the large GEMMs, while at batch 32 nothing else is split and they stay parked. Only a hint (a
     * worker may park just after): results are the same whichever way it goes.
     */
    public static boolean helpersAwake() {
        if (threads <= 1) return false;
        for (Worker w : WORKERS) if (w != null && !w.parked) return true;
        return false;
    }

    /** Runs {@code body.accept(c)} for every c in [0, chunks); returns when all are done. */
    public static void forEach(int chunks, IntConsumer body) {
        int t = Math.min(threads, chunks);
        if (t <= 1 || INSIDE.get() || !LOCK.tryLock()) {
            for (int c = 0; c < chunks; c++) body.accept(c);
            return;
        }
        INSIDE.set(true);
        try {
            Job job = new Job(body, chunks, t - 1);
            CURRENT.set(job);
            generation++;
            for (int w = 0; w < t - 1; w++) worker(w).wake();
            job.work(true);
            while (job.done.get() < chunks) Thread.onSpinWait();
            CURRENT.set(null);
            Throwable e = job.error.get();
            if (e instanceof RuntimeException re) throw re;
            if (e instanceof Error err) throw err;
        } finally {
            INSIDE.set(false);
            LOCK.unlock();
        }
    }

    private static synchronized Worker worker(int i) {
        if (WORKERS[i] == null) {
            WORKERS[i] = new Worker(i);
            WORKERS[i].start();
        }
        return WORKERS[i];
    }

    /**
     * One parallel call: chunks claimed by the caller and up to {@code helpers} workers. The caller owns the first
     * 1/t of the chunks (t threads in all) and the workers the rest; each claims its own in ascending order and,
     * when none is left, takes the other side's last. With two threads the caller then runs the low chunks and the
     * worker the high ones in every call, however the timing goes, so what a chunk touches stays in the same
     * core's caches from one call to the next (Adam's slots, a weight gradient's rows). Claiming from one counter
     * dealt them out anew each time.
     */
    private static final class Job {
        final IntConsumer body;
        final int chunks;
        /** The caller's and the workers' unclaimed chunks, each [lo, hi) as lo·2³² + hi. */
        final AtomicLong own, others;
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger helpers;
        final AtomicReference<Throwable> error = new AtomicReference<>();

        Job(IntConsumer body, int chunks, int helpers) {
            this.body = body;
            this.chunks = chunks;
            this.helpers = new AtomicInteger(helpers);
            int mid = chunks / (helpers + 1);
            own = new AtomicLong(mid);
            others = new AtomicLong((long) mid << 32 | chunks);
        }

        /** The lowest ({@code low}) or highest unclaimed chunk of a range; -1 when it is empty. */
        private static int claim(AtomicLong range, boolean low) {
            while (true) {
                long r = range.get();
                int lo = (int) (r >>> 32), hi = (int) r;
                if (lo >= hi) return -1;
                long next = low ? (long) (lo + 1) << 32 | hi : (long) lo << 32 | (hi - 1);
                if (range.compareAndSet(r, next)) return low ? lo : hi - 1;
            }
        }

        /** Runs chunks until none is left: the caller's ({@code caller}) or the workers' first, then the other side's. */
        void work(boolean caller) {
            AtomicLong mine = caller ? own : others, theirs = caller ? others : own;
            int c;
            while ((c = claim(mine, true)) >= 0 || (c = claim(theirs, false)) >= 0) {
                try {
                    body.accept(c);
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private static final class Worker extends Thread {
        private volatile boolean parked;
        private long seen;

        Worker(int i) {
            super("keel-worker-" + (i + 1));
            setDaemon(true);
        }

        void wake() {
            if (parked) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            INSIDE.set(true);
            while (true) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (generation == seen) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (generation == seen) LockSupport.park(this);
                        parked = false;
                        spinUntil = System.nanoTime() + SPIN_NANOS;
                    }
                }
                seen = generation;
                Job job = CURRENT.get();
                if (job != null && job.helpers.getAndDecrement() > 0) job.work(false);
            }
        }
    }
}
