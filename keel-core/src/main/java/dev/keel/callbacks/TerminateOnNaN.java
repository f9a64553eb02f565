package dev.keel.callbacks;

import dev.keel.models.Sequential;
import java.util.Map;

/** Keras's TerminateOnNaN: stops training as soon as a batch's loss is NaN or infinite. */
public final class TerminateOnNaN implements Callback {
    private Sequential model;
    private boolean terminated;

    @Override
    public void setModel(Sequential model) {
        this.model = model;
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        Double loss = logs.get("loss");
        if (loss != null && !Double.isFinite(loss)) {
            terminated = true;
            model.stopTraining(true);
        }
    }

    /** True when this callback stopped training. */
    public boolean terminated() {
        return terminated;
    }
}
