package dev.keel.optimizers;

/**
 * AdamW (Loshchilov &amp; Hutter, 2019) as Keras 3: Adam with decoupled weight decay
 * {@code w ← w − w·weight_decay·lr} before each update; {@code weight_decay=0.004}, other defaults as Adam.
 */
public final class AdamW extends Adam {
    public AdamW() {
        this(1e-3, 0.004);
    }

    public AdamW(double learningRate, double weightDecay) {
        this(new Common(learningRate).weightDecay(weightDecay), 0.9, 0.999, 1e-7, false);
    }

    public AdamW(Common common, double beta1, double beta2, double epsilon, boolean amsgrad) {
        super(common, beta1, beta2, epsilon, amsgrad);
    }

    @Override
    public String name() {
        return "adamw";
    }
}
