package dev.flashvsr.engine.tensorrt.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvsr.engine.tensorrt.runtime.EnginePlan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An engine larger than a Java array holds (FlashVSR's DiT is about 2.6 GB) through the cache. */
class EngineCacheLargePlanTest {
    private static final long PLAN_BYTES = Integer.MAX_VALUE + 12_345L;
    private static final byte[] END = "end of the plan".getBytes(StandardCharsets.US_ASCII);
    private static final int WRITE_BYTES = 64 << 20;

    @TempDir
    Path dir;

    /** tmpfs when it has room: the test is about sizes, not about how fast this disk flushes 2 GB. */
    private Path base() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)
                && Files.getFileStore(shm).getUsableSpace() > 2 * PLAN_BYTES) {
            return shm;
        }
        return dir;
    }

    /** Zeros, then END as the plan's last bytes, written in pieces as TensorRT's windows would be. */
    private static final EngineBuilder LARGE = (plan, progress) -> {
        ByteBuffer zeros = ByteBuffer.allocateDirect(WRITE_BYTES);
        for (long left = PLAN_BYTES - END.length; left > 0;) {
            ByteBuffer piece = zeros.duplicate().limit((int) Math.min(WRITE_BYTES, left));
            left -= piece.remaining();
            while (piece.hasRemaining()) {
                plan.write(piece);
            }
        }
        TestKeys.write(plan, END);
    };

    @Test
    void anEngineLargerThan2GiBIsWrittenLoadedAndCheckedWithoutAnArray() throws Exception {
        Path base = base();
        assumeTrue(Files.getFileStore(base).getUsableSpace() > PLAN_BYTES + (256L << 20),
                "no room for a " + PLAN_BYTES + "-byte engine in " + base);
        Path folder = Files.createTempDirectory(base, "flashvsr-large-plan");
        try {
            EngineKey key = TestKeys.key();
            RecordingListener building = new RecordingListener();
            try (EnginePlan built = new EngineCache(folder).load(key, LARGE, building)) {
                assertEquals(PLAN_BYTES, built.length());
            }
            assertEquals(List.of("miss " + key.fileName(), "built " + PLAN_BYTES), building.events);

            // a new cache reads the file: header checked, SHA-256 streamed over the whole engine
            RecordingListener loading = new RecordingListener();
            Path file = folder.resolve(key.fileName());
            try (EnginePlan loaded = new EngineCache(folder).load(key, (plan, progress) -> {
                throw new AssertionError("rebuilt: the stored engine did not pass its checks " + loading.events);
            }, loading)) {
                assertEquals(List.of("hit " + key.fileName()), loading.events);
                assertEquals(file, loaded.file());
                assertEquals(PLAN_BYTES, loaded.length());
                assertEquals(Files.size(file) - PLAN_BYTES, loaded.offset());
                assertArrayEquals(END, lastBytes(loaded));
            }
        } finally {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(folder);
        }
    }

    /** The plan's last bytes, read from its file past the 2 GiB mark. */
    private static byte[] lastBytes(EnginePlan plan) throws IOException {
        ByteBuffer end = ByteBuffer.allocate(END.length);
        try (FileChannel channel = FileChannel.open(plan.file(), StandardOpenOption.READ)) {
            channel.read(end, plan.offset() + plan.length() - END.length);
        }
        return end.array();
    }
}
