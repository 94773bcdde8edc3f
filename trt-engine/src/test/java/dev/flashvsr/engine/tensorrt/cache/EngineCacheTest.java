package dev.flashvsr.engine.tensorrt.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static dev.flashvsr.engine.tensorrt.cache.TestKeys.bytes;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.tensorrt.runtime.EnginePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCacheTest {
    private static final int SIZE = 100_000;

    @TempDir
    Path dir;

    private final RecordingListener listener = new RecordingListener();
    private final AtomicInteger builds = new AtomicInteger();

    private Path folder() {
        return dir.resolve("engines");
    }

    private EngineCache cache() {
        return new EngineCache(folder(), Duration.ofMillis(100));
    }

    private EngineBuilder building(String content) {
        return (plan, progress) -> {
            builds.incrementAndGet();
            progress.accept("building " + content);
            TestKeys.write(plan, TestKeys.engine(content, SIZE));
        };
    }

    private static final EngineBuilder MUST_NOT_BUILD = (plan, progress) -> {
        throw new AssertionError("the engine was built although the cache holds it");
    };

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aMissBuildsAndStoresAndTheNextLoadReadsTheFile() throws Exception {
        EngineKey key = TestKeys.key();
        byte[] first = bytes(cache().load(key, building("a"), listener));
        assertArrayEquals(TestKeys.engine("a", SIZE), first);
        String file = key.fileName();
        assertEquals(List.of("miss " + file, "progress building a", "built " + SIZE), listener.events);
        assertEquals(List.of(file, file + ".lock"), names(folder()));

        listener.events.clear();
        assertArrayEquals(first, bytes(new EngineCache(folder()).load(key, MUST_NOT_BUILD, listener)));
        assertEquals(List.of("hit " + file), listener.events);
        assertEquals(1, builds.get());

        // another key is another file
        bytes(cache().load(TestKeys.otherKey(), building("b"), listener));
        assertEquals(2, builds.get());
        assertArrayEquals(first, bytes(cache().load(key, MUST_NOT_BUILD, listener)));
    }

    @Test
    void aPlanReadsTheEngineWhereItLiesInTheCacheFile() throws Exception {
        EngineKey key = TestKeys.key();
        Path file = cache().fileOf(key);
        try (EnginePlan built = cache().load(key, building("a"), listener);
                EnginePlan loaded = cache().load(key, MUST_NOT_BUILD, listener)) {
            for (EnginePlan plan : List.of(built, loaded)) {
                assertEquals(file, plan.file());
                assertEquals(SIZE, plan.length());
                assertEquals(Files.size(file) - SIZE, plan.offset(), "right after the header, not copied");
            }
        }
        assertTrue(Files.exists(file), "closing a plan of the cache keeps its file");
    }

    @Test
    void anEngineThatCannotBeWrittenIsBuiltIntoATemporaryFileThatClosingDeletes() throws Exception {
        EngineKey key = TestKeys.key();
        AtomicInteger attempts = new AtomicInteger();
        EngineBuilder diskFullOnce = (plan, progress) -> {
            if (attempts.getAndIncrement() == 0) {
                TestKeys.write(plan, new byte[10]);
                throw new IOException("No space left on device");
            }
            TestKeys.write(plan, TestKeys.engine("elsewhere", SIZE));
        };
        EngineCache cache = cache();
        EnginePlan plan = cache.load(key, diskFullOnce, listener);
        assertTrue(plan.file().startsWith(Path.of(System.getProperty("java.io.tmpdir"))), plan.toString());
        String warning = listener.starting("warning").get(0);
        assertTrue(warning.contains("the engine cache folder " + folder() + " cannot be used: the engine could not be"
                + " written (java.io.IOException: No space left on device)"), warning);
        assertEquals(List.of(key.fileName() + ".lock"), names(folder()), "nothing half-written in the cache");
        assertArrayEquals(TestKeys.engine("elsewhere", SIZE), bytes(plan));
        assertFalse(Files.exists(plan.file()), "closed, so deleted");

        // the next engine of this cache goes elsewhere at once: built once, not lost with the full disk first
        assertArrayEquals(TestKeys.engine("int8", SIZE), bytes(cache.load(TestKeys.otherKey(), building("int8"),
                listener)));
        assertEquals(1, builds.get());
        assertEquals(1, listener.starting("warning").size(), listener.events.toString());
        assertEquals(List.of(key.fileName() + ".lock"), names(folder()));
    }

    @Test
    void damagedFilesAreRebuiltWithAWarningNamingFileAndReason() throws Exception {
        Map<String, UnaryOperator<byte[]>> damages = Map.of(
                "is truncated: the header says " + SIZE + " engine bytes, the file holds " + (SIZE - 10),
                bytes -> java.util.Arrays.copyOf(bytes, bytes.length - 10),
                "is truncated inside its header", bytes -> java.util.Arrays.copyOf(bytes, 20),
                "has trailing bytes", bytes -> java.util.Arrays.copyOf(bytes, bytes.length + 1),
                "do not match the SHA-256", bytes -> {
                    bytes[bytes.length - SIZE / 2] ^= 1;
                    return bytes;
                },
                "wrong magic", bytes -> {
                    bytes[0] = 'X';
                    return bytes;
                },
                "format version 7", bytes -> {
                    bytes[EngineFile.MAGIC.length + 3] = 7;
                    return bytes;
                });
        EngineKey key = TestKeys.key();
        Path file = cache().fileOf(key);
        for (Map.Entry<String, UnaryOperator<byte[]>> damage : damages.entrySet()) {
            bytes(cache().load(key, building("good"), listener));
            Files.write(file, damage.getValue().apply(Files.readAllBytes(file)));
            listener.events.clear();
            assertArrayEquals(TestKeys.engine("rebuilt", SIZE), bytes(cache().load(key, building("rebuilt"), listener)),
                    damage.getKey());
            List<String> warnings = listener.starting("warning");
            assertEquals(1, warnings.size(), listener.events.toString());
            assertTrue(warnings.get(0).contains(file.toString()) && warnings.get(0).contains(damage.getKey())
                    && warnings.get(0).endsWith("building it again"), warnings.get(0));
            assertArrayEquals(TestKeys.engine("rebuilt", SIZE), bytes(cache().load(key, MUST_NOT_BUILD, listener)),
                    "replaced by the rebuilt engine after: " + damage.getKey());
            Files.delete(file);
        }
    }

    @Test
    void anotherKeysFileUnderThisKeysNameIsNotUsed() throws Exception {
        EngineKey key = TestKeys.key();
        EngineKey other = TestKeys.otherKey();
        bytes(cache().load(other, building("int8"), listener));
        Files.move(cache().fileOf(other), cache().fileOf(key));
        listener.events.clear();
        assertArrayEquals(TestKeys.engine("fp16", SIZE), bytes(cache().load(key, building("fp16"), listener)));
        String warning = listener.starting("warning").get(0);
        assertTrue(warning.contains("holds an engine for another key (file has precision=int8, wanted precision=fp16)"),
                warning);
    }

    @Test
    void anEngineTheRuntimeRejectsIsDeletedAndRebuilt() throws Exception {
        EngineKey key = TestKeys.key();
        bytes(cache().load(key, building("old"), listener));
        listener.events.clear();
        cache().invalidate(key, "serialized engine version mismatch", listener);
        String warning = listener.starting("warning").get(0);
        assertTrue(warning.contains(cache().fileOf(key).toString()) && warning.contains("serialized engine version mismatch")
                && warning.contains("built again"), warning);
        assertFalse(Files.exists(cache().fileOf(key)));
        assertArrayEquals(TestKeys.engine("new", SIZE), bytes(cache().load(key, building("new"), listener)));
        assertEquals(2, builds.get());
        assertArrayEquals(TestKeys.engine("new", SIZE), bytes(cache().load(key, MUST_NOT_BUILD, listener)));
    }

    @Test
    void aCacheFolderThatIsARegularFileMeansBuildingInMemoryWithOneWarning() throws Exception {
        // fails for root too, unlike permissions
        Path regular = Files.writeString(dir.resolve("engines"), "not a folder");
        for (Path folder : List.of(regular, regular.resolve("below"))) {
            RecordingListener events = new RecordingListener();
            EngineCache cache = new EngineCache(folder);
            assertArrayEquals(TestKeys.engine("a", SIZE), bytes(cache.load(TestKeys.key(), building("a"), events)));
            assertArrayEquals(TestKeys.engine("a", SIZE), bytes(cache.load(TestKeys.key(), building("a"), events)));
            List<String> warnings = events.starting("warning");
            assertEquals(1, warnings.size(), "warned once per cache: " + events.events);
            assertTrue(warnings.get(0).contains("the engine cache folder " + folder + " cannot be used")
                    && warnings.get(0).contains("engine-cache property"), warnings.get(0));
            assertEquals(2, events.starting("built").size());
        }
        assertEquals(List.of("engines"), names(dir));
        assertEquals("not a folder", Files.readString(regular));
    }

    @Test
    void aReadOnlyCacheFolderMeansBuildingInMemoryButItsEnginesAreStillRead() throws Exception {
        EngineKey key = TestKeys.key();
        bytes(cache().load(key, building("stored"), listener));
        Files.setPosixFilePermissions(folder(), PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(folder()), "the folder is writable despite its permissions (running as "
                    + System.getProperty("user.name") + ", probably root), so a read-only folder cannot be tested here");
            listener.events.clear();
            assertArrayEquals(TestKeys.engine("stored", SIZE), bytes(cache().load(key, MUST_NOT_BUILD, listener)));
            assertArrayEquals(TestKeys.engine("int8", SIZE),
                    bytes(cache().load(TestKeys.otherKey(), building("int8"), listener)));
            String warning = listener.starting("warning").get(0);
            assertTrue(warning.contains(folder() + " cannot be used: it is not writable"), warning);
            assertEquals(List.of(key.fileName(), key.fileName() + ".lock"), names(folder()));
        } finally {
            Files.setPosixFilePermissions(folder(), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aRejectedEngineThatCannotBeDeletedIsNotLoadedAgain() throws Exception {
        EngineKey key = TestKeys.key();
        bytes(cache().load(key, building("old"), listener));
        EngineCache cache = cache();
        Files.setPosixFilePermissions(folder(), PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(folder()), "the folder is writable despite its permissions (running as "
                    + System.getProperty("user.name") + ", probably root), so an undeletable file cannot be tested here");
            listener.events.clear();
            cache.invalidate(key, "incompatible", listener);
            String warning = listener.starting("warning").get(1);
            assertTrue(warning.contains("cannot delete the rejected engine " + cache.fileOf(key)), warning);
            assertArrayEquals(TestKeys.engine("new", SIZE), bytes(cache.load(key, building("new"), listener)));
            assertArrayEquals(TestKeys.engine("newer", SIZE), bytes(cache.load(key, building("newer"), listener)));
        } finally {
            Files.setPosixFilePermissions(folder(), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aFailedBuildLeavesNoFileAndReleasesTheLock() throws Exception {
        EngineKey key = TestKeys.key();
        EngineException failure = new EngineException("no memory for tactic 3", "Close other GPU programs");
        EngineException thrown = assertThrows(EngineException.class, () -> bytes(cache().load(key, (plan, progress) -> {
            progress.accept("tactic 3");
            throw failure;
        }, listener)));
        assertSame(failure, thrown);
        assertEquals(List.of(key.fileName() + ".lock"), names(folder()));
        assertArrayEquals(TestKeys.engine("a", SIZE), bytes(cache().load(key, building("a"), listener)));
    }

    @Test
    void temporaryFilesOfADeadWriterAreRemovedByTheNextBuild() throws Exception {
        EngineKey key = TestKeys.key();
        Files.createDirectories(folder());
        Files.write(folder().resolve(key.fileName() + ".12345.tmp"), new byte[10]);
        bytes(cache().load(key, building("a"), listener));
        assertEquals(List.of(key.fileName(), key.fileName() + ".lock"), names(folder()));
    }

    @Test
    void concurrentLoadsInOneProcessBuildOnceAndTheWaiterReports() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch building = new CountDownLatch(1);
            EngineBuilder slow = slowBuilder(building, 600);
            Future<byte[]> first = pool.submit(() -> bytes(cache().load(TestKeys.key(), slow, listener)));
            assertTrue(building.await(10, TimeUnit.SECONDS));
            RecordingListener waiter = new RecordingListener();
            Future<byte[]> second = pool.submit(() -> bytes(cache().load(TestKeys.key(), slow, waiter)));
            assertArrayEquals(first.get(), second.get());
            assertEquals(1, builds.get());
            List<String> waits = waiter.starting("progress waiting for another process building "
                    + cache().fileOf(TestKeys.key()));
            assertFalse(waits.isEmpty(), waiter.events.toString());
            assertEquals("hit " + TestKeys.key().fileName(), waiter.events.get(waiter.events.size() - 1));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoSpellingsOfOneFolderShareTheLock() throws Exception {
        Files.createDirectories(folder());
        Path link = Files.createSymbolicLink(dir.resolve("link"), folder());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch building = new CountDownLatch(1);
            EngineBuilder slow = slowBuilder(building, 400);
            Future<byte[]> first = pool.submit(() -> bytes(new EngineCache(link).load(TestKeys.key(), slow, listener)));
            assertTrue(building.await(10, TimeUnit.SECONDS));
            Future<byte[]> second = pool.submit(() -> bytes(cache().load(TestKeys.key(), slow, listener)));
            assertArrayEquals(first.get(), second.get());
            assertEquals(1, builds.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWaitingLoadStopsWhenItsThreadIsInterrupted() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch building = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            Future<byte[]> first = pool.submit(() -> bytes(cache().load(TestKeys.key(), (plan, progress) -> {
                building.countDown();
                await(finish);
                TestKeys.write(plan, TestKeys.engine("a", SIZE));
            }, listener)));
            assertTrue(building.await(10, TimeUnit.SECONDS));
            RecordingListener waiter = new RecordingListener();
            Thread waiting = new Thread(() -> {
                try {
                    bytes(cache().load(TestKeys.key(), MUST_NOT_BUILD, waiter));
                    waiter.events.add("returned");
                } catch (InterruptedException e) {
                    waiter.events.add("interrupted");
                } catch (EngineException | IOException e) {
                    waiter.events.add("failed " + e);
                }
            });
            waiting.start();
            sleep(300);
            waiting.interrupt();
            waiting.join(5000);
            assertFalse(waiting.isAlive(), "still waiting after the interrupt");
            assertEquals("interrupted", waiter.events.get(waiter.events.size() - 1), waiter.events.toString());
            finish.countDown();
            assertArrayEquals(TestKeys.engine("a", SIZE), first.get(10, TimeUnit.SECONDS));
            assertArrayEquals(TestKeys.engine("a", SIZE),
                    bytes(cache().load(TestKeys.key(), MUST_NOT_BUILD, listener)));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theDefaultFolderFollowsXdgCacheHome() {
        Path home = Path.of("/home/ann");
        assertEquals(Path.of("/var/cache/x/flashvsr/engines"),
                EngineCache.defaultFolder(Map.of("XDG_CACHE_HOME", "/var/cache/x"), home));
        assertEquals(Path.of("/home/ann/.cache/flashvsr/engines"), EngineCache.defaultFolder(Map.of(), home));
        assertEquals(Path.of("/home/ann/.cache/flashvsr/engines"),
                EngineCache.defaultFolder(Map.of("XDG_CACHE_HOME", ""), home));
        assertEquals(Path.of("/home/ann/.cache/flashvsr/engines"),
                EngineCache.defaultFolder(Map.of("XDG_CACHE_HOME", "relative/cache"), home), "relative: ignored");
    }

    /** A builder that counts its builds, signals {@code started}, then takes {@code millis} to write its engine. */
    private EngineBuilder slowBuilder(CountDownLatch started, long millis) {
        return (plan, progress) -> {
            builds.incrementAndGet();
            started.countDown();
            sleep(millis);
            TestKeys.write(plan, TestKeys.engine("once", SIZE));
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
