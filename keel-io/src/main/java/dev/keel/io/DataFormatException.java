package dev.keel.io;

/** A data or model file that is malformed, truncated, or claims more than it holds. Names the file and the problem. */
public class DataFormatException extends RuntimeException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
