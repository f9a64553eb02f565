package dev.keel.callbacks;

import dev.keel.models.Sequential;
import java.util.Map;

/**
 * Keras's ReduceLROnPlateau: when {@code monitor} has not improved for {@code patience} epochs, multiply the
 * learning rate by {@code factor} (not below {@code min_lr}), then wait {@code cooldown} epochs.
 * Defaults: monitor "val_loss", factor 0.1, patience 10, min_delta 1e-4, cooldown 0, min_lr 0.
 */
public final class ReduceLROnPlateau implements Callback {
    private final Monitor monitor;
    private final double factor;
    private final int patience;
    private final int cooldown;
    private final double minLr;
    private Sequential model;
    private double best;
    private int wait;
    private int cooldownCounter;

    public ReduceLROnPlateau(String monitor, double factor, int patience) {
        this(monitor, factor, patience, "auto", 1e-4, 0, 0.0);
    }

    public ReduceLROnPlateau(String monitor, double factor, int patience, String mode, double minDelta, int cooldown, double minLr) {
        if (!(factor > 0 && factor < 1)) throw new IllegalArgumentException("ReduceLROnPlateau factor must be in (0, 1), got " + factor);
        this.monitor = new Monitor(monitor, mode, minDelta);
        this.factor = factor;
        this.patience = patience;
        this.cooldown = cooldown;
        this.minLr = minLr;
    }

    @Override
    public void setModel(Sequential model) {
        this.model = model;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        best = monitor.initial();
        wait = 0;
        cooldownCounter = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        double v = monitor.value(logs);
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (monitor.improved(v, best)) {
            best = v;
            wait = 0;
        } else if (cooldownCounter <= 0 && ++wait >= patience) {
            double old = model.optimizer().currentLearningRate();
            if (old > minLr) {
                model.optimizer().setLearningRate(Math.max(old * factor, minLr));
                cooldownCounter = cooldown;
                wait = 0;
            }
        }
    }
}
