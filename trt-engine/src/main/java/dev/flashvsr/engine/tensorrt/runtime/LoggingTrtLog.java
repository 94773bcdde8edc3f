package dev.flashvsr.engine.tensorrt.runtime;

/**
 * TensorRT's logger as Java logging under {@code dev.flashvsr}, which the element routes into the
 * {@code flashvsr} GStreamer debug category (and the CLI leaves to the JDK's default handler):
 * ERROR, WARNING and INFO keep their level, VERBOSE becomes DEBUG.
 */
public final class LoggingTrtLog implements TrtLog {
    /** The logger's name; its last part names TensorRT as the source in the category's lines. */
    public static final String LOGGER = "dev.flashvsr.engine.tensorrt.TensorRT";

    private final System.Logger logger;

    public LoggingTrtLog() {
        this(System.getLogger(LOGGER));
    }

    LoggingTrtLog(System.Logger logger) {
        this.logger = logger;
    }

    @Override
    public void log(Severity severity, String message) {
        logger.log(level(severity), message);
    }

    static System.Logger.Level level(Severity severity) {
        return switch (severity) {
            case ERROR -> System.Logger.Level.ERROR;
            case WARNING -> System.Logger.Level.WARNING;
            case INFO -> System.Logger.Level.INFO;
            case VERBOSE -> System.Logger.Level.DEBUG;
        };
    }
}
