package dev.keel.trainers;

import dev.keel.Tensor;
import dev.keel.activations.Activation;
import dev.keel.callbacks.Callback;
import dev.keel.callbacks.History;
import dev.keel.layers.Layer;
import dev.keel.layers.NonFiniteException;
import dev.keel.layers.Parameter;
import dev.keel.layers.SoftmaxHead;
import dev.keel.losses.Loss;
import dev.keel.metrics.Metric;
import dev.keel.models.Sequential;
import dev.keel.utils.Progbar;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Keras's training loop for a {@link Sequential}: shuffle, gather a batch, forward in training mode, loss,
 * backward, regularization, optimizer step, metrics, callbacks, validation at the end of each epoch.
 *
 * <p>Buffers are allocated once per batch size (the full size and the last partial batch), never per step.
 * Softmax followed by categorical cross-entropy takes the fused gradient {@code p − t} at the logits.
 * A loss that turns NaN or infinite stops training with a warning instead of running on silently.
 */
public final class Trainer {
    private final Sequential model;
    private final List<Layer> layers;
    private final Map<Integer, Step> steps = new HashMap<>();
    private PrintStream out = System.out;

    public Trainer(Sequential model) {
        this.model = model;
        this.layers = model.layers();
    }

    /** Where progress goes (default System.out). */
    public Trainer output(PrintStream out) {
        this.out = out;
        return this;
    }

    /** Working memory for one batch size: activations, gradients and per-layer scratch. */
    private final class Step {
        final int batch;
        final float[][] act;    // act[0] = x, act[i+1] = output of layer i
        final float[][] grad;   // grad[i] = dL/d act[i]
        final Layer.Scratch[] scratch;
        final float[] yTrue;
        final float[] weights;
        final double[] perSample;

        Step(int batch, int targetCols) {
            this.batch = batch;
            int n = layers.size();
            act = new float[n + 1][];
            grad = new float[n + 1][];
            scratch = new Layer.Scratch[n];
            act[0] = new float[batch * Layer.product(model.inputShape())];
            grad[0] = null;
            for (int i = 0; i < n; i++) {
                int size = batch * layers.get(i).outputSize();
                act[i + 1] = new float[size];
                grad[i + 1] = new float[size];
                scratch[i] = layers.get(i).newScratch(batch);
            }
            yTrue = new float[batch * targetCols];
            weights = new float[batch];
            perSample = new double[batch];
        }
    }

    public History fit(Tensor x, Tensor y, FitConfig cfg) {
        if (!model.built()) model.build(x.sampleShape());
        Loss loss = model.loss();
        Batches.checkInput(model, x, "x");
        Batches.checkTargets(model, loss, y, x.rows(), "y");
        if (cfg.sampleWeight() != null && cfg.sampleWeight().length != x.rows()) {
            throw new IllegalArgumentException("sample_weight has " + cfg.sampleWeight().length + " values but x has " + x.rows() + " samples");
        }
        Tensor trainX = x, trainY = y, valX = cfg.validationX(), valY = cfg.validationY();
        float[] sampleWeight = sampleWeights(cfg, y, loss);
        if (cfg.validationSplit() > 0) {
            int nTrain = (int) Math.floor(x.rows() * (1 - cfg.validationSplit()));
            if (nTrain < 1 || nTrain >= x.rows()) throw new IllegalArgumentException("validation_split " + cfg.validationSplit() + " leaves no training or no validation samples out of " + x.rows());
            trainX = x.slice(0, nTrain); trainY = y.slice(0, nTrain);
            valX = x.slice(nTrain, x.rows()); valY = y.slice(nTrain, y.rows());
            if (sampleWeight != null) sampleWeight = java.util.Arrays.copyOf(sampleWeight, nTrain);
        }
        if (valX != null) {
            Batches.checkInput(model, valX, "validation x");
            Batches.checkTargets(model, loss, valY, valX.rows(), "validation y");
        }
        int n = trainX.rows(), bs = Math.min(cfg.batchSize(), n);
        if (n == 0) throw new IllegalArgumentException("x has no samples");
        int stepsPerEpoch = (n + bs - 1) / bs;
        boolean tty = out == System.out && System.console() != null && System.console().isTerminal();
        int verbose = cfg.verbose() == -1 ? (tty ? 1 : 2) : cfg.verbose();
        boolean ansi = tty && System.getenv("NO_COLOR") == null;

        History history = new History();
        List<Callback> callbacks = new ArrayList<>(cfg.callbacks());
        callbacks.add(history);
        for (Callback c : callbacks) c.setModel(model);
        model.stopTraining(false);
        SplittableRandom shuffler = new SplittableRandom(cfg.seed() != null ? cfg.seed() : model.seed() * 31 + 17);
        int[] index = new int[n];
        for (int i = 0; i < n; i++) index[i] = i;
        List<Metric> metrics = model.newMetrics();
        List<Parameter> params = model.trainableParameters();
        int firstTrainable = firstLayerWithParameters();
        int targetCols = loss.sparseTargets() ? 1 : outputCols();

        Run run = new Run(trainX, trainY, index, bs, targetCols, sampleWeight, loss, params, firstTrainable, metrics, callbacks);

        Map<String, Double> empty = new LinkedHashMap<>();
        for (Callback c : callbacks) c.onTrainBegin(empty);
        boolean diverged = false;
        for (int epoch = cfg.initialEpoch(); epoch < cfg.epochs() && !model.stopTrainingRequested(); epoch++) {
            if (verbose > 0) out.println("Epoch " + (epoch + 1) + "/" + cfg.epochs());
            for (Callback c : callbacks) c.onEpochBegin(epoch, new LinkedHashMap<>());
            if (cfg.shuffle()) shuffle(index, shuffler);
            for (Metric m : metrics) m.reset();
            Epoch ep = new Epoch(run, epoch, new Progbar(out, stepsPerEpoch, verbose, ansi));
            for (int s = 0; s < stepsPerEpoch; s++) if (!ep.batch(s)) break;
            Map<String, Double> logs = ep.logs;
            diverged = ep.diverged;
            if (!diverged && valX != null) {
                for (var e : evaluate(valX, valY, null, Math.max(bs, 256)).entrySet()) logs.put("val_" + e.getKey(), e.getValue());
            }
            if (!diverged) ep.bar.finish(logs);
            for (Callback c : callbacks) c.onEpochEnd(epoch, logs);
        }
        for (Callback c : callbacks) c.onTrainEnd(new LinkedHashMap<>());
        return history;
    }

    /**
     * One epoch's batches: gather, optimizer step, metrics, callbacks and progress for each, with the running
     * loss. This is a method of its own, not the body of fit's loop, for the JIT: compiled inside fit (on-stack
     * replacement), the body took C2 1.2-1.6 s of a core per compilation, twice, within the first epochs (JFR,
     * batch 32), and that core was then not free for the kernels' worker thread.
     */
    private final class Epoch {
        final Run run;
        final int epoch;
        final Progbar bar;
        Map<String, Double> logs = new LinkedHashMap<>();
        double lossSum;
        long seen;
        boolean diverged;

        Epoch(Run run, int epoch, Progbar bar) {
            this.run = run;
            this.epoch = epoch;
            this.bar = bar;
        }

        /** Batch s of the epoch; false when training must stop (diverged, or a callback asked). */
        boolean batch(int s) {
            int from = s * run.bs(), rows = Math.min(run.bs(), run.x().rows() - from);
            Step st = steps.computeIfAbsent(rows, k -> new Step(k, run.targetCols()));
            Batches.gather(run.x().data(), run.x().cols(), run.index(), from, rows, st.act[0]);
            Batches.gather(run.y().data(), run.targetCols(), run.index(), from, rows, st.yTrue);
            float[] w = null;
            if (run.sampleWeight() != null) {
                for (int i = 0; i < rows; i++) st.weights[i] = run.sampleWeight()[run.index()[from + i]];
                w = st.weights;
            }
            for (Callback c : run.callbacks()) c.onTrainBatchBegin(s, logs);
            double batchLoss;
            try {
                batchLoss = trainStep(st, rows, w, run.loss(), run.params(), run.firstTrainable());
            } catch (NonFiniteException e) {
                batchLoss = Double.NaN;
            }
            lossSum += batchLoss * rows;
            seen += rows;
            for (Metric m : run.metrics()) m.update(st.yTrue, st.act[layers.size()], rows, outputCols(), run.loss().sparseTargets(), w);
            logs = epochLogs(run.metrics(), lossSum / seen);
            Map<String, Double> batchLogs = new LinkedHashMap<>(logs);
            batchLogs.put("loss", batchLoss);
            for (Callback c : run.callbacks()) c.onTrainBatchEnd(s, batchLogs);
            bar.update(s + 1, logs);
            if (!Double.isFinite(batchLoss)) {
                diverged = true;
                model.stopTraining(true);
                bar.finish(logs);
                System.err.println("keel: training diverged at epoch " + (epoch + 1) + ", step " + (s + 1)
                        + " (loss is " + batchLoss + "); stopping. Lower the learning rate, add clipnorm, or normalize the inputs.");
                return false;
            }
            return !model.stopTrainingRequested();
        }
    }

    /** What every batch of one fit call shares: the training data, its order, and the loss, parameters, metrics and callbacks. */
    private record Run(Tensor x, Tensor y, int[] index, int bs, int targetCols, float[] sampleWeight, Loss loss,
                       List<Parameter> params, int firstTrainable, List<Metric> metrics, List<Callback> callbacks) {}

    private int outputCols() {
        return Layer.product(model.outputShape());
    }

    /** Loss and metrics in Keras's log order: metrics first, then loss. */
    private static Map<String, Double> epochLogs(List<Metric> metrics, double loss) {
        Map<String, Double> logs = new LinkedHashMap<>();
        for (Metric m : metrics) logs.put(m.name(), m.result());
        logs.put("loss", loss);
        return logs;
    }

    /** One optimizer step on the batch in {@code st}; returns the batch loss (with regularization). */
    private double trainStep(Step st, int rows, float[] w, Loss loss, List<Parameter> params, int firstTrainable) {
        int n = layers.size();
        for (int i = 0; i < n; i++) layers.get(i).forward(st.act[i], st.act[i + 1], rows, true, st.scratch[i]);
        float[] out = st.act[n];
        int cols = outputCols();
        loss.perSample(st.yTrue, out, rows, cols, st.perSample);
        double value = loss.reduce(st.perSample, rows, w);
        for (Parameter p : params) if (p.regularizer() != null) value += p.regularizer().penalty(p.value());
        if (!Double.isFinite(value)) return value;

        Layer last = layers.get(n - 1);
        int lastBackward = n - 1;
        if (last instanceof SoftmaxHead head && head.outputActivation() == Activation.SOFTMAX && loss.fusesWithSoftmax()) {
            loss.softmaxLogitGradient(st.yTrue, out, rows, cols, w, st.grad[n]);
            if (n - 1 >= firstTrainable) {
                head.backwardFromPreActivation(st.act[n - 1], st.grad[n], n - 1 > firstTrainable ? st.grad[n - 1] : null, rows, st.scratch[n - 1]);
            }
            lastBackward = n - 2;
        } else {
            loss.gradient(st.yTrue, out, rows, cols, w, st.grad[n]);
        }
        for (int i = lastBackward; i >= firstTrainable && i >= 0; i--) {
            layers.get(i).backward(st.act[i], st.act[i + 1], st.grad[i + 1], i > firstTrainable ? st.grad[i] : null, rows, st.scratch[i]);
        }
        for (Parameter p : params) if (p.regularizer() != null) p.regularizer().addGradient(p.value(), p.grad());
        model.optimizer().apply(params);
        return value;
    }

    /** Layers before the first one with trainable parameters need no backward pass at all. */
    private int firstLayerWithParameters() {
        for (int i = 0; i < layers.size(); i++) if (!layers.get(i).trainableParameters().isEmpty()) return i;
        return layers.size();
    }

    /** Loss and metrics over (x, y) in inference mode; thread-safe (no state kept in the model). */
    public Map<String, Double> evaluate(Tensor x, Tensor y, float[] sampleWeight, int batchSize) {
        if (!model.built()) model.build(x.sampleShape());
        Loss loss = model.loss();
        Batches.checkShape(model, x, "x");   // predict checks x for NaN/Inf as it copies each batch
        Batches.checkTargets(model, loss, y, x.rows(), "y");
        Tensor pred = model.predict(x, batchSize);
        int n = x.rows(), cols = outputCols();
        double[] per = new double[n];
        loss.perSample(y.data(), pred.data(), n, cols, per);
        double l = loss.reduce(per, n, sampleWeight);
        List<Metric> metrics = model.newMetrics();
        for (Metric m : metrics) m.update(y.data(), pred.data(), n, cols, loss.sparseTargets(), sampleWeight);
        return epochLogs(metrics, l);
    }

    private static void shuffle(int[] a, SplittableRandom r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Per-sample weights from sample_weight and class_weight (multiplied), or null when neither is given. */
    private float[] sampleWeights(FitConfig cfg, Tensor y, Loss loss) {
        if (cfg.sampleWeight() == null && cfg.classWeight() == null) return null;
        int n = y.rows();
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            double v = cfg.sampleWeight() == null ? 1.0 : cfg.sampleWeight()[i];
            if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("sample_weight[" + i + "] = " + v + " must be finite and >= 0");
            if (cfg.classWeight() != null) {
                int cls = loss.sparseTargets() ? (int) y.data()[i] : argmax(y.data(), i, y.cols());
                v *= cfg.classWeight().getOrDefault(cls, 1.0);
            }
            w[i] = (float) v;
        }
        return w;
    }

    private static int argmax(float[] v, int row, int cols) {
        int best = 0;
        for (int j = 1; j < cols; j++) if (v[row * cols + j] > v[row * cols + best]) best = j;
        return best;
    }
}
