package dev.flashvsr.engine.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildCacheTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();
    private final AtomicInteger builds = new AtomicInteger();

    private BuildCache cache() {
        return new BuildCache(dir.resolve("cache"), warnings::add);
    }

    private BuildCache.Builder writing(String content) {
        return folder -> {
            builds.incrementAndGet();
            Files.writeString(folder.resolve("graph.onnx"), content);
            Files.write(folder.resolve("weights.bin"), new byte[4096]);
        };
    }

    private List<String> cacheFolderNames() throws IOException {
        try (Stream<Path> list = Files.list(dir.resolve("cache"))) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anEntryIsBuiltOnceAndThenReused() throws Exception {
        BuildCache.Entry first = cache().entry("k1", "test graphs", writing("a"));
        assertTrue(first.built());
        BuildCache.Entry second = cache().entry("k1", "test graphs", writing("b"));
        assertFalse(second.built());
        assertEquals(first.folder(), second.folder());
        assertEquals("a", Files.readString(second.folder().resolve("graph.onnx")));
        assertEquals(1, builds.get());
        assertTrue(Files.isRegularFile(second.folder().resolve(BuildCache.ENTRY_FILE)));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void aDamagedEntryIsRebuiltWithAWarning() throws Exception {
        Path folder = cache().entry("k1", "test graphs", writing("a")).folder();
        byte[] weights = Files.readAllBytes(folder.resolve("weights.bin"));
        weights[100] = 1; // same size, other content
        Files.write(folder.resolve("weights.bin"), weights);
        BuildCache.Entry again = cache().entry("k1", "test graphs", writing("a"));
        assertTrue(again.built());
        assertEquals(2, builds.get());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("damaged weights.bin") && warnings.get(0).contains("building them again"),
                warnings.get(0));
        assertEquals(0, Files.readAllBytes(again.folder().resolve("weights.bin"))[100]);

        Files.delete(again.folder().resolve("graph.onnx"));
        assertTrue(cache().entry("k1", "test graphs", writing("a")).built());
        assertTrue(warnings.get(1).contains("lacks graph.onnx"), warnings.get(1));
        Files.writeString(again.folder().resolve(BuildCache.ENTRY_FILE), "{not json");
        assertTrue(cache().entry("k1", "test graphs", writing("a")).built());
        assertTrue(warnings.get(2).contains("cannot be read"), warnings.get(2));
    }

    @Test
    void aFailedBuildLeavesNoEntryAndSaysWhy() throws Exception {
        EngineException e = assertThrows(EngineException.class, () -> cache().entry("k1", "test graphs", folder -> {
            Files.write(folder.resolve("weights.bin"), new byte[1000]);
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains("test graphs"),
                e.getMessage());
        assertEquals(List.of("k1.lock"), cacheFolderNames());
        assertFalse(cache().has("k1"));
        assertTrue(cache().entry("k1", "test graphs", writing("a")).built());
    }

    @Test
    void twoBuildersOfOneKeyBuildItOnce() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        BuildCache.Builder slow = folder -> {
            inside.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            writing("a").build(folder);
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<BuildCache.Entry> a = pool.submit(() -> cache().entry("k1", "test graphs", slow));
            inside.await(10, TimeUnit.SECONDS);
            Future<BuildCache.Entry> b = pool.submit(() -> cache().entry("k1", "test graphs", slow));
            assertTrue(a.get(30, TimeUnit.SECONDS).built());
            assertFalse(b.get(30, TimeUnit.SECONDS).built());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, builds.get());
    }

    @Test
    void anUnwritableCacheFolderIsReplacedByATemporaryOneWithAWarning() throws Exception {
        Files.writeString(dir.resolve("cache"), "a file where the folder should be");
        BuildCache.Entry entry = cache().entry("k1", "test graphs", writing("a"));
        assertTrue(entry.temporary());
        assertFalse(entry.folder().startsWith(dir));
        assertTrue(Files.isRegularFile(entry.folder().resolve("graph.onnx")));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("cannot be written") && warnings.get(0).contains("FLASHVSR_CACHE_DIR"),
                warnings.get(0));
        entry.close();
        assertFalse(Files.exists(entry.folder().getParent()), "the temporary folder goes when the entry closes");
    }

    @Test
    void leftoversOfADeadBuildAreRemoved() throws Exception {
        Files.createDirectories(dir.resolve("cache").resolve("k1.partial-123"));
        Files.write(dir.resolve("cache").resolve("k1.partial-123").resolve("weights.bin"), new byte[10]);
        cache().entry("k1", "test graphs", writing("a"));
        assertEquals(List.of("k1", "k1.lock"), cacheFolderNames());
    }
}
