package dev.keel.layers;

import dev.keel.activations.Activation;

/**
 * A layer whose last step is an activation, so that a loss can hand it the gradient at the
 * pre-activation directly. Softmax followed by categorical cross-entropy has the gradient
 * {@code dz = p − t} at the logits, which is exact and stable where going through dL/dp = −t/p is not.
 */
public interface SoftmaxHead {
    /** The activation applied last. */
    Activation outputActivation();

    /** Backward pass given {@code dz = dL/dz}, the gradient at the pre-activation. */
    void backwardFromPreActivation(float[] x, float[] dz, float[] dx, int batch, Layer.Scratch scratch);
}
