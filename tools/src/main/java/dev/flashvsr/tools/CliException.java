package dev.flashvsr.tools;

/**
 * A failure that ends a command with a specific exit code and a one-line message for the user
 * ({@link FlashVsrCli#EXIT_USAGE} for bad arguments, {@link FlashVsrCli#EXIT_FAILURE} for runtime
 * failures).
 */
final class CliException extends RuntimeException {
    private final int exitCode;
    private final String detail;

    CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    CliException(int exitCode, String message, String detail) {
        super(message);
        this.exitCode = exitCode;
        this.detail = detail;
    }

    static CliException usage(String message) {
        return new CliException(FlashVsrCli.EXIT_USAGE, message);
    }

    static CliException failure(String message) {
        return new CliException(FlashVsrCli.EXIT_FAILURE, message);
    }

    int exitCode() {
        return exitCode;
    }

    /** Extra lines (for example GStreamer's debug string), or null. */
    String detail() {
        return detail;
    }
}
