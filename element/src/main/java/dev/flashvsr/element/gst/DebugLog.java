package dev.flashvsr.element.gst;

import com.sun.jna.Pointer;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The {@code flashvsr} GStreamer debug category, so {@code GST_DEBUG=flashvsr:5} shows what the
 * element does (negotiation, model and backend choice, per-frame timings) among GStreamer's own
 * lines. Java code that logs through {@code java.util.logging} or {@code System.Logger} under
 * {@code dev.flashvsr} is routed into the same category.
 */
public final class DebugLog {
    /** GstDebugLevel values, most severe first, each with the java.util.logging level it stands for. */
    public enum GstLevel {
        ERROR(1, Level.SEVERE), WARNING(2, Level.WARNING), FIXME(3, Level.WARNING), INFO(4, Level.INFO),
        DEBUG(5, Level.FINE), LOG(6, Level.FINER), TRACE(7, Level.FINEST);

        final int value;
        final Level java;

        GstLevel(int value, Level java) {
            this.value = value;
            this.java = java;
        }
    }

    public static final String CATEGORY = "flashvsr";
    private static final String JAVA_LOGGER = "dev.flashvsr";
    private static final GstDebugApi API = GstDebugApi.LIB;
    private static final Pointer CATEGORY_POINTER = API._gst_debug_category_new(CATEGORY, 0,
            "flashvsr-gst: flashvsrfilter and its engine");
    /** Held so the logger and its handler outlive configuration resets by the application. */
    private static final Logger JAVA_ROOT = Logger.getLogger(JAVA_LOGGER);

    private DebugLog() {
    }

    public static boolean enabled(GstLevel level) {
        return API.gst_debug_category_get_threshold(CATEGORY_POINTER) >= level.value;
    }

    /**
     * Logs a line for {@code object} (an element or pad, or null) when the category's threshold
     * allows; the message is only built then.
     */
    public static void log(GstLevel level, Pointer object, Supplier<String> message) {
        if (enabled(level)) {
            write(level, object, "", message.get());
        }
    }

    private static void write(GstLevel level, Pointer object, String source, String message) {
        API.gst_debug_log(CATEGORY_POINTER, level.value, "FlashVsrFilter.java", source, 0, object, "%s", message);
    }

    /**
     * Routes {@code dev.flashvsr} Java logging into the category, at the level its current
     * threshold lets through (set from GST_DEBUG at gst_init). Idempotent.
     */
    public static synchronized void routeJavaLogging() {
        JAVA_ROOT.setLevel(javaLevelFor(API.gst_debug_category_get_threshold(CATEGORY_POINTER)));
        for (Handler handler : JAVA_ROOT.getHandlers()) {
            if (handler instanceof CategoryHandler) {
                return;
            }
        }
        JAVA_ROOT.setUseParentHandlers(false);
        JAVA_ROOT.addHandler(new CategoryHandler());
    }

    /** The lowest Java level whose records the category's threshold lets through; OFF below ERROR. */
    static Level javaLevelFor(int gstThreshold) {
        Level lowest = Level.OFF;
        for (GstLevel level : GstLevel.values()) {
            if (level.value <= gstThreshold) {
                lowest = level.java;
            }
        }
        return lowest;
    }

    /** The most severe GStreamer level whose Java level the record reaches. */
    static GstLevel gstLevelFor(Level level) {
        for (GstLevel candidate : GstLevel.values()) {
            if (level.intValue() >= candidate.java.intValue()) {
                return candidate;
            }
        }
        return GstLevel.TRACE;
    }

    /** Writes Java log records as category lines, the logger's short name as the function. */
    private static final class CategoryHandler extends Handler {
        @Override
        public void publish(LogRecord record) {
            GstLevel level = gstLevelFor(record.getLevel());
            if (!enabled(level)) {
                return;
            }
            String text = record.getMessage();
            if (record.getParameters() != null && record.getParameters().length > 0) {
                text = java.text.MessageFormat.format(text, record.getParameters());
            }
            if (record.getThrown() != null) {
                text = text + ": " + record.getThrown();
            }
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            write(level, null, logger.substring(logger.lastIndexOf('.') + 1), text);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
