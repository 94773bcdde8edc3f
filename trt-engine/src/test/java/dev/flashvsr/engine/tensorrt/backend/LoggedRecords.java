package dev.flashvsr.engine.tensorrt.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** What a java.util.logging logger publishes while this is open (tests). */
final class LoggedRecords extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new ArrayList<>();

    /** The logger of {@code source}'s class name. */
    LoggedRecords(Class<?> source) {
        this(source.getName());
    }

    LoggedRecords(String loggerName) {
        logger = Logger.getLogger(loggerName);
        logger.addHandler(this);
    }

    List<LogRecord> records() {
        return records;
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
