package dev.keel.optimizers;

import dev.keel.kernels.Updates;
import dev.keel.layers.Parameter;
import dev.keel.optimizers.schedules.LearningRateSchedule;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common part of Keras 3's optimizers: learning rate (constant or schedule), gradient clipping
 * ({@code clipnorm} per variable, {@code global_clipnorm} over all, {@code clipvalue}; at most one),
 * decoupled weight decay ({@code w ← w − w·wd·lr} before the update), constraints after it, and the
 * iteration count. Subclasses give the update rule for one variable with its slots (m, v, …).
 */
public abstract class Optimizer {
    private final LearningRateSchedule schedule;
    private double learningRate;
    private final double clipnorm;
    private final double globalClipnorm;
    private final double clipvalue;
    private final double weightDecay;
    private long iterations;
    private final Map<Parameter, float[][]> slots = new IdentityHashMap<>();

    protected Optimizer(Common c) {
        int clips = (c.clipnorm > 0 ? 1 : 0) + (c.globalClipnorm > 0 ? 1 : 0) + (c.clipvalue > 0 ? 1 : 0);
        if (clips > 1) throw new IllegalArgumentException("Only one of clipnorm, global_clipnorm and clipvalue can be set");
        if (c.schedule == null && !(c.learningRate > 0 && Double.isFinite(c.learningRate))) {
            throw new IllegalArgumentException("learning_rate must be > 0 and finite, got " + c.learningRate);
        }
        if (!(c.weightDecay >= 0)) throw new IllegalArgumentException("weight_decay must be >= 0, got " + c.weightDecay);
        this.schedule = c.schedule;
        this.learningRate = c.learningRate;
        this.clipnorm = c.clipnorm;
        this.globalClipnorm = c.globalClipnorm;
        this.clipvalue = c.clipvalue;
        this.weightDecay = c.weightDecay;
    }

    /** Keras's name: "adam", "sgd", …. */
    public abstract String name();

    /** How many state arrays each variable needs (Adam: m and v → 2). */
    protected abstract int slotCount();

    /** Updates one variable {@code w} in place from its gradient {@code g} at learning rate {@code lr}. */
    protected abstract void update(float[] w, float[] g, float[][] slots, double lr, long step);

    /** Updates elements [from, to) of a variable {@code w} with its gradient and slots. */
    @FunctionalInterface
    protected interface ElementUpdate {
        void run(float[] w, float[] g, float[][] slots, int from, int to);
    }

    /**
     * This step's update (learning rate {@code lr}, step {@code step}) when it is the same rule element by element
     * on any range of any variable (Adam): then {@link #apply} updates all variables in one parallel job
     * ({@link Updates#overVariables}) instead of one by one. Null (the default) when it is not.
     */
    protected ElementUpdate elementUpdate(double lr, long step) {
        return null;
    }

    /** The learning rate for the next update. */
    public double currentLearningRate() {
        return schedule != null ? schedule.at(iterations) : learningRate;
    }

    /** Sets a constant learning rate (ReduceLROnPlateau, LearningRateScheduler); not allowed with a schedule. */
    public void setLearningRate(double lr) {
        if (schedule != null) throw new IllegalStateException("this optimizer uses a learning-rate schedule; its rate cannot be set");
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning_rate must be > 0 and finite, got " + lr);
        learningRate = lr;
    }

    public long iterations() {
        return iterations;
    }

    /** One step over all parameters, using the gradients they hold. */
    public void apply(List<Parameter> params) {
        double lr = currentLearningRate();
        if (globalClipnorm > 0) {
            double sq = 0;
            for (Parameter p : params) for (float g : p.grad()) sq += (double) g * g;
            double norm = Math.sqrt(sq);
            if (norm > globalClipnorm) {
                float k = (float) (globalClipnorm / norm);
                for (Parameter p : params) scale(p.grad(), k);
            }
        }
        ElementUpdate rule = elementUpdate(lr, iterations);
        boolean together = rule != null && distinct(params);
        for (Parameter p : params) {
            float[] g = p.grad();
            if (clipnorm > 0) {
                double sq = 0;
                for (float v : g) sq += (double) v * v;
                double norm = Math.sqrt(sq);
                if (norm > clipnorm) scale(g, (float) (clipnorm / norm));
            } else if (clipvalue > 0) {
                float c = (float) clipvalue;
                for (int i = 0; i < g.length; i++) g[i] = Math.max(-c, Math.min(c, g[i]));
            }
            float[] w = p.value();
            if (weightDecay > 0) {
                float k = (float) (1 - weightDecay * lr);
                for (int i = 0; i < w.length; i++) w[i] *= k;
            }
            if (together) continue;
            update(w, g, slotsOf(p), lr, iterations);
            if (p.constraint() != null) p.constraint().apply(w, p.shape());
        }
        if (together) {
            // Clipping and decay above, constraints below: each variable still sees them in that order.
            int n = params.size();
            int[] sizes = new int[n];
            float[][] w = new float[n][], g = new float[n][];
            float[][][] s = new float[n][][];
            for (int i = 0; i < n; i++) {
                Parameter p = params.get(i);
                w[i] = p.value();
                g[i] = p.grad();
                s[i] = slotsOf(p);
                sizes[i] = w[i].length;
            }
            Updates.overVariables(sizes, (v, from, to) -> rule.run(w[v], g[v], s[v], from, to));
            for (Parameter p : params) if (p.constraint() != null) p.constraint().apply(p.value(), p.shape());
        }
        iterations++;
    }

    private float[][] slotsOf(Parameter p) {
        return slots.computeIfAbsent(p, q -> newSlots(q.size()));
    }

    /** Whether no variable is listed twice (a shared layer): each must then be updated once per listing, in turn. */
    private static boolean distinct(List<Parameter> params) {
        java.util.Set<Parameter> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Parameter p : params) if (!seen.add(p)) return false;
        return true;
    }

    private float[][] newSlots(int size) {
        float[][] s = new float[slotCount()][size];
        initSlots(s);
        return s;
    }

    /** Initial slot values (zeros unless overridden, e.g. Adagrad's accumulator). */
    protected void initSlots(float[][] s) {}

    /** Whether the learning rate follows a schedule rather than a constant (or set) value. */
    public boolean hasSchedule() {
        return schedule != null;
    }

    /**
     * Keras 3's {@code get_config()}: the keys every optimizer shares (Keras's defaults for the options Keel
     * does not have: no EMA, no loss scaling, no gradient accumulation) followed by the optimizer's own.
     * With a schedule, {@code learning_rate} holds the {@link LearningRateSchedule} itself.
     */
    public final Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("learning_rate", schedule != null ? schedule : learningRate);   // a schedule is serialized by the file format
        c.put("weight_decay", weightDecay > 0 ? weightDecay : null);
        c.put("clipnorm", clipnorm > 0 ? clipnorm : null);
        c.put("global_clipnorm", globalClipnorm > 0 ? globalClipnorm : null);
        c.put("clipvalue", clipvalue > 0 ? clipvalue : null);
        c.put("use_ema", false);
        c.put("ema_momentum", 0.99);
        c.put("ema_overwrite_frequency", null);
        c.put("loss_scale_factor", null);
        c.put("gradient_accumulation_steps", null);
        c.putAll(ownConfig());
        return c;
    }

    /** The optimizer's own config keys under Keras's names (beta_1, momentum, …). */
    protected abstract Map<String, Object> ownConfig();

    /**
     * The order of Keras 3's slot variables, as groups of slot indices. Keras creates the slots of one
     * group interleaved per variable (Adam: m₀ v₀ m₁ v₁ …) and the groups one after another (then v̂₀ v̂₁ …).
     * Slots Keras would not create (SGD without momentum) are left out. Default: each slot its own group.
     */
    protected List<int[]> kerasSlotOrder() {
        List<int[]> order = new ArrayList<>();
        for (int s = 0; s < slotCount(); s++) order.add(new int[] {s});
        return order;
    }

    /**
     * The optimizer's state for {@code params} in the order of Keras 3's {@code optimizer.variables} after
     * {@code iteration} and {@code learning_rate}. The arrays are live: writing them changes the state.
     * Slots not yet created (no step taken) are created with their initial values.
     */
    public final List<SlotVariable> slotVariables(List<Parameter> params) {
        List<SlotVariable> out = new ArrayList<>();
        for (int[] group : kerasSlotOrder()) {
            for (Parameter p : params) {
                float[][] s = slots.computeIfAbsent(p, q -> newSlots(q.size()));
                for (int k : group) out.add(new SlotVariable(p, s[k]));
            }
        }
        return out;
    }

    /** One slot array (m, v, …) and the parameter it belongs to (whose shape it has). */
    public record SlotVariable(Parameter variable, float[] value) {}

    /** Restores the step count (for bias correction and schedules), as when Keras loads optimizer variables. */
    public final void setIterations(long iterations) {
        if (iterations < 0) throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        this.iterations = iterations;
    }

    private static void scale(float[] g, float k) {
        for (int i = 0; i < g.length; i++) g[i] *= k;
    }

    /** Options every optimizer shares, with Keras's defaults (no clipping, no weight decay). */
    public static class Common {
        double learningRate;
        LearningRateSchedule schedule;
        double clipnorm;
        double globalClipnorm;
        double clipvalue;
        double weightDecay;

        public Common(double learningRate) {
            this.learningRate = learningRate;
        }

        public Common learningRate(double v) { learningRate = v; return this; }
        public Common schedule(LearningRateSchedule v) { schedule = v; return this; }
        public Common clipnorm(double v) { clipnorm = positive("clipnorm", v); return this; }
        public Common globalClipnorm(double v) { globalClipnorm = positive("global_clipnorm", v); return this; }
        public Common clipvalue(double v) { clipvalue = positive("clipvalue", v); return this; }
        public Common weightDecay(double v) { weightDecay = v; return this; }

        private static double positive(String name, double v) {
            if (!(v > 0)) throw new IllegalArgumentException(name + " must be > 0, got " + v);
            return v;
        }
    }
}
