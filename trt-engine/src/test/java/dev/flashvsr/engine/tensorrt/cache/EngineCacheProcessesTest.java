package dev.flashvsr.engine.tensorrt.cache;

import static dev.flashvsr.engine.tensorrt.cache.TestKeys.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache across processes: a second JVM runs {@link CacheLoadMain}. */
class EngineCacheProcessesTest {
    private static final int SIZE = 1 << 20;

    @TempDir
    Path dir;

    private Path folder() {
        return dir.resolve("engines");
    }

    /** Starts CacheLoadMain in a new JVM with this test's class path, {@code prefix} before the java command. */
    private Process child(List<String> prefix, long buildMillis) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "-XX:-UsePerfData", "-Xmx256m",
                "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                "-cp", System.getProperty("java.class.path"), CacheLoadMain.class.getName(),
                folder().toString(), dir.resolve("ready").toString(), dir.resolve("marker").toString(),
                dir.resolve("child.sha256").toString(), Integer.toString(SIZE), Long.toString(buildMillis)));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile())
                .start();
    }

    /** The child's printed events; fails with its output when it did not exit 0. */
    private List<String> finish(Process child) throws Exception {
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish in 60 s");
        List<String> out = Files.readAllLines(dir.resolve("child.out"));
        assertEquals(0, child.exitValue(), "child JVM failed:\n" + String.join("\n", out));
        return out;
    }

    @Test
    void twoProcessesLoadingAtOnceBuildTheEngineOnce() throws Exception {
        Process child = child(List.of(), 3000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(dir.resolve("ready"))) {
            if (!child.isAlive() || System.nanoTime() > deadline) {
                fail("the child JVM did not start loading: " + Files.readString(dir.resolve("child.out")));
            }
            Thread.sleep(10);
        }
        RecordingListener parent = new RecordingListener();
        byte[] engine = bytes(new EngineCache(folder(), Duration.ofMillis(200))
                .load(TestKeys.key(), CacheLoadMain.slowBuilder(dir.resolve("marker"), "parent", SIZE, 3000), parent));
        List<String> childEvents = finish(child);

        assertArrayEquals(TestKeys.engine("shared engine", SIZE), engine);
        assertEquals(CacheLoadMain.sha256(engine), Files.readString(dir.resolve("child.sha256")), "the child's bytes");
        List<String> marker = Files.readAllLines(dir.resolve("marker"));
        assertEquals(1, marker.size(), "builds: " + marker);
        // the one that did not build waited for the other's lock, then read its file
        List<String> waiter = marker.get(0).startsWith("parent") ? childEvents : parent.events;
        String waiting = "progress waiting for another process building " + folder().resolve(TestKeys.key().fileName());
        assertTrue(waiter.stream().anyMatch(e -> e.startsWith(waiting)), "no wait reported: " + waiter);
        assertEquals("hit " + TestKeys.key().fileName(), waiter.get(waiter.size() - 1), waiter.toString());
        assertEquals(List.of(TestKeys.key().fileName(), TestKeys.key().fileName() + ".lock"), names(folder()));
    }

    @Test
    void aFullDiskFailsTheLoadWithAClearErrorAndLeavesNothingHalfWritten() throws Exception {
        // a file size limit makes writes fail as a full disk does (EFBIG instead of ENOSPC); the JVM ignores SIGXFSZ.
        // It holds for every file, so the build into a temporary file elsewhere fails too: no place holds the engine
        List<String> events = finish(child(List.of("sh", "-c", "ulimit -f 64 && exec \"$@\"", "sh"), 0));

        assertFalse(Files.exists(dir.resolve("child.sha256")), events.toString());
        assertFalse(events.stream().anyMatch(e -> e.startsWith("built")), events.toString());
        List<String> warnings = events.stream().filter(e -> e.startsWith("warning")).toList();
        assertEquals(1, warnings.size(), events.toString());
        assertTrue(warnings.get(0).contains("the engine cache folder " + folder() + " cannot be used: the engine could "
                + "not be written (java.io.IOException: File too large)") && warnings.get(0).contains("with room"),
                warnings.get(0));
        String error = events.get(events.size() - 1);
        assertTrue(error.startsWith("error cannot write the TensorRT engine of " + TestKeys.key().describe()
                + " to a temporary file " + dir.resolve("tmp"))
                && error.endsWith("(java.io.IOException: File too large)"),
                error);
        assertEquals(List.of("child built", "child built"), Files.readAllLines(dir.resolve("marker")),
                "built for the cache folder, then for the temporary file");
        assertEquals(List.of(TestKeys.key().fileName() + ".lock"), names(folder()), "no engine, no temporary file");
        assertEquals(List.of(), names(dir.resolve("tmp")), "no temporary plan left");
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
