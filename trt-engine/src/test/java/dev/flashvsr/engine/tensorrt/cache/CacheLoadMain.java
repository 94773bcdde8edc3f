package dev.flashvsr.engine.tensorrt.cache;

import dev.flashvsr.engine.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The second process of {@link EngineCacheProcessesTest}: loads {@link TestKeys#key()} through a
 * cache with a slow builder that appends a line to a marker file per build, then writes the bytes
 * SHA-256 of the bytes it got (small, so that it can be written under a file size limit) and prints
 * the listener's events, one per line; a load that fails prints "error MESSAGE" last.
 *
 * <p>Arguments: CACHE_FOLDER READY_FILE MARKER_FILE SHA256_FILE ENGINE_BYTES BUILD_MILLIS
 */
public final class CacheLoadMain {
    private CacheLoadMain() {
    }

    public static void main(String[] args) throws Exception {
        Path ready = Path.of(args[1]);
        Path marker = Path.of(args[2]);
        int size = Integer.parseInt(args[4]);
        long buildMillis = Long.parseLong(args[5]);
        RecordingListener listener = new RecordingListener();
        Files.writeString(ready, "ready");
        try {
            byte[] engine = TestKeys.bytes(new EngineCache(Path.of(args[0]), Duration.ofMillis(200))
                    .load(TestKeys.key(), slowBuilder(marker, "child", size, buildMillis), listener));
            Files.writeString(Path.of(args[3]), sha256(engine));
        } catch (EngineException e) {
            listener.events.add("error " + e.getMessage());
        }
        listener.events.forEach(System.out::println);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(GraphDigest.sha256().digest(bytes));
    }

    /** Records the build in {@code marker}, then takes {@code millis} as a real build would. */
    static EngineBuilder slowBuilder(Path marker, String who, int size, long millis) {
        return (plan, progress) -> {
            try {
                Files.writeString(marker, who + " built\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                progress.accept(who + " building");
                Thread.sleep(millis);
            } catch (Exception e) {
                throw new IllegalStateException("test builder failed: " + e, e);
            }
            TestKeys.write(plan, TestKeys.engine("shared engine", size));
        };
    }
}
