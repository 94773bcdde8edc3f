package dev.flashvsr.engine.tensorrt.cache;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every event as one line ("hit FILE", "warning MESSAGE") in order. */
final class RecordingListener implements CacheListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void hit(EngineKey key, Path file) {
        events.add("hit " + file.getFileName());
    }

    @Override
    public void miss(EngineKey key, Path file) {
        events.add("miss " + file.getFileName());
    }

    @Override
    public void built(EngineKey key, Duration buildTime, long bytes) {
        events.add("built " + bytes);
    }

    @Override
    public void warning(String message) {
        events.add("warning " + message);
    }

    @Override
    public void progress(String line) {
        events.add("progress " + line);
    }

    List<String> starting(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).toList();
    }
}
