package dev.flashvsr.tools.calibrate;

/** A calibration that cannot go on; its message says what is wrong with which file and is printed as is. */
public final class CalibrationException extends Exception {
    public CalibrationException(String message) {
        super(message);
    }

    public CalibrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
