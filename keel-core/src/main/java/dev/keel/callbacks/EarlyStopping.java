package dev.keel.callbacks;

import dev.keel.models.Sequential;
import java.util.Map;

/**
 * Keras's EarlyStopping: stops when {@code monitor} (default "val_loss") has not improved by more than
 * {@code min_delta} for {@code patience} epochs; with {@code restore_best_weights} the best epoch's weights
 * are put back at the end.
 */
public final class EarlyStopping implements Callback {
    private final Monitor monitor;
    private final int patience;
    private final boolean restoreBestWeights;
    private Sequential model;
    private double best;
    private int wait;
    private int stoppedEpoch = -1;
    private float[][] bestWeights;

    public EarlyStopping(String monitor, int patience) {
        this(monitor, 0.0, patience, "auto", false);
    }

    public EarlyStopping(String monitor, double minDelta, int patience, String mode, boolean restoreBestWeights) {
        if (patience < 0) throw new IllegalArgumentException("patience must be >= 0, got " + patience);
        this.monitor = new Monitor(monitor, mode, minDelta);
        this.patience = patience;
        this.restoreBestWeights = restoreBestWeights;
    }

    @Override
    public void setModel(Sequential model) {
        this.model = model;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        best = monitor.initial();
        wait = 0;
        stoppedEpoch = -1;
        bestWeights = null;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        double v = monitor.value(logs);
        if (monitor.improved(v, best)) {
            best = v;
            wait = 0;
            if (restoreBestWeights) bestWeights = model.getWeights();
            return;
        }
        wait++;
        if (wait > patience - 1 && epoch > 0) {
            stoppedEpoch = epoch;
            model.stopTraining(true);
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        if (restoreBestWeights && bestWeights != null && stoppedEpoch >= 0) model.setWeights(bestWeights);
    }

    /** The epoch training stopped at, or -1. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }
}
