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
 *
 * <p>On a virtual machine the hypervisor may move the vCPUs between near and far cores while a job runs: on a
 * 2-vCPU AMD EPYC VM (Zen 4, and Zen 5 in session 12) it moved them every few seconds between cores that share an
 * L3 (a cache line's round trip 50-70 ns) and cores on two CCDs (240-400 ns), and two threads trained at batch 32
 * either 1.3-1.4× faster than one or no faster. Benchmarks that want to know which they measured call
 * {@link #watchPlacement}: then every {@value #PROBE_INTERVAL_MILLIS} ms a parallel call first measures that round
 * trip with worker 1 ({@link #probe}, 3-12 µs). The kernels do not act on it: a policy that split fewer small jobs
 * while the cores were far made batch 32 1.25× faster in far rounds but batch 128 and 1024 0.92-0.97× slower
 * (bench versions, session 12), so it was left out.
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
    /** A round trip longer than this (ns) means the caller's and worker 1's cores share no cache. */
    public static final long FAR_NANOS = 150;
    private static volatile boolean watching;
    private static final long PROBE_INTERVAL_MILLIS = 20;
    /** How long a probe waits for a parked worker to wake before giving up until the next interval. */
    private static final long PROBE_WAKE_NANOS = 2_000_000;
    /** The last measured round trip (ns); 0 until measured. */
    private static volatile long roundTrip;
    private static long nextProbe = System.nanoTime(), probes, farProbes;

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

    /**
     * Turns the placement probe on or off (off by default): while on, a parallel call made at least
     * {@value #PROBE_INTERVAL_MILLIS} ms after the last probe first measures the round trip of a cache line between
     * the calling thread's core and worker 1's ({@link #roundTripNanos}, {@link #probeCounts}). For benchmarks.
     */
    public static void watchPlacement(boolean on) {
        watching = on;
    }

    /** The last measured round trip of a cache line between the calling thread's core and worker 1's (ns; 0 if none yet). */
    public static long roundTripNanos() {
        return roundTrip;
    }

    /** Probes so far and how many of them found the cores far apart (over {@value #FAR_NANOS} ns): {probes, far}. */
    public static synchronized long[] probeCounts() {
        return new long[] {probes, farProbes};
    }

    /** Runs {@code body.accept(c)} for every c in [0, chunks); returns when all are done. */
    public static void forEach(int chunks, IntConsumer body) {
        if (watching && threads > 1 && System.nanoTime() - nextProbe >= 0) probe();
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

    /**
     * Measures the round trip of a cache line between this thread and worker 1 (waking it if parked): the best of
     * four runs of 8 ping-pongs through two volatile fields, with the same spin-wait the jobs use. Skipped from
     * inside a job or while another thread's job runs; the next probe is due {@value #PROBE_INTERVAL_MILLIS} ms on.
     */
    private static void probe() {
        if (INSIDE.get() || !LOCK.tryLock()) return;
        try {
            nextProbe = System.nanoTime() + PROBE_INTERVAL_MILLIS * 1_000_000;
            Job job = new Job(null, 0, 1);
            job.probe = true;
            CURRENT.set(job);
            generation++;
            worker(0).wake();
            long deadline = System.nanoTime() + PROBE_WAKE_NANOS;
            while (job.pong < 0) {
                if (System.nanoTime() - deadline > 0) break;
                Thread.onSpinWait();
            }
            if (job.pong >= 0) {
                long best = Long.MAX_VALUE;
                for (int run = 0, v = 0; run < 4; run++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 8; i++) {
                        job.ping = ++v;
                        while (job.pong != v) Thread.onSpinWait();
                    }
                    best = Math.min(best, System.nanoTime() - t0);
                }
                long nanos = best / 8;
                roundTrip = nanos;
                synchronized (Parallel.class) {
                    probes++;
                    if (nanos > FAR_NANOS) farProbes++;
                }
            }
            job.ping = -1;   // releases the worker, or tells a late one not to wait
            CURRENT.set(null);
        } finally {
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
        /** A probe ({@link Parallel#probe}): the worker answers ping with pong until ping is -1. */
        boolean probe;
        volatile long ping, pong = -1;

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

        /** A probe's worker side: copies each new ping to pong until ping is -1. */
        void pong() {
            long last = 0, p;
            pong = 0;
            while ((p = ping) >= 0) {
                if (p != last) pong = last = p;
                else Thread.onSpinWait();
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
                if (job != null && job.helpers.getAndDecrement() > 0) {
                    if (job.probe) job.pong();
                    else job.work(false);
                }
            }
        }
    }
}
