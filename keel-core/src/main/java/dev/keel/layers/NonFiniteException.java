package dev.keel.layers;

/** NaN or ±∞ where finite numbers are required: in data, in batch statistics, or in a diverged loss. */
public class NonFiniteException extends ArithmeticException {
    public NonFiniteException(String message) {
        super(message);
    }
}
