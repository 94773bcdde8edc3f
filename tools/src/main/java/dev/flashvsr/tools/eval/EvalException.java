package dev.flashvsr.tools.eval;

/** A failure of the evaluation that the user can act on; its message is printed as is. */
public final class EvalException extends RuntimeException {
    public EvalException(String message) {
        super(message);
    }

    public EvalException(String message, Throwable cause) {
        super(message, cause);
    }
}
