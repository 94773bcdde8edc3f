package dev.flashvsr.engine;

/**
 * A failure a user can act on: the message says what went wrong, {@link #remedy()} what to do
 * about it.
 */
public class EngineException extends Exception {
    private final String remedy;

    public EngineException(String message, String remedy) {
        super(message);
        this.remedy = remedy;
    }

    public EngineException(String message, String remedy, Throwable cause) {
        super(message, cause);
        this.remedy = remedy;
    }

    public String remedy() {
        return remedy;
    }

    /** Message and remedy in one line, for logs and command-line errors. */
    public String describe() {
        return remedy == null || remedy.isEmpty() ? getMessage() : getMessage() + ". " + remedy;
    }
}
