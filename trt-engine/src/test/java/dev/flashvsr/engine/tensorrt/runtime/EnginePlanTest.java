package dev.flashvsr.engine.tensorrt.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plans streamed window by window, as TensorRT's native memory meets the engine file. */
class EnginePlanTest {
    private static final int MIB = 1 << 20;
    /** Five whole windows of 1 MiB and a partial sixth. */
    private static final int PLAN_BYTES = 5 * MIB + 123;
    private static final int OFFSET = 77;

    @TempDir
    Path dir;

    private static byte[] random(int bytes) {
        byte[] data = new byte[bytes];
        new Random(19).nextBytes(data);
        return data;
    }

    /** A file of OFFSET header bytes, then {@code plan}, then a trailer the plan must not read. */
    private Path fileWith(byte[] plan) throws Exception {
        byte[] file = new byte[OFFSET + plan.length + 10];
        Arrays.fill(file, (byte) 0x5a);
        System.arraycopy(plan, 0, file, OFFSET, plan.length);
        return Files.write(dir.resolve("engine"), file);
    }

    @Test
    void aPlanIsReadIntoMemoryThroughSeveralWindows() throws Exception {
        byte[] expected = random(PLAN_BYTES);
        ByteBuffer memory = ByteBuffer.allocateDirect(PLAN_BYTES);
        List<String> windows = new ArrayList<>();
        try (EnginePlan plan = EnginePlan.open(fileWith(expected), OFFSET, PLAN_BYTES)) {
            plan.readInto((position, bytes) -> {
                windows.add(position + "+" + bytes);
                return memory.slice((int) position, bytes);
            }, MIB);
        }
        assertEquals(List.of("0+" + MIB, MIB + "+" + MIB, 2 * MIB + "+" + MIB, 3 * MIB + "+" + MIB,
                4 * MIB + "+" + MIB, 5 * MIB + "+123"), windows);
        byte[] read = new byte[PLAN_BYTES];
        memory.get(read);
        assertArrayEquals(expected, read);
    }

    @Test
    void memoryIsWrittenToAFileThroughSeveralWindows() throws Exception {
        byte[] expected = random(PLAN_BYTES);
        ByteBuffer memory = ByteBuffer.allocateDirect(PLAN_BYTES).put(expected).flip();
        List<Long> positions = new ArrayList<>();
        Path file = dir.resolve("written");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            EnginePlan.write(PLAN_BYTES, (position, bytes) -> {
                positions.add(position);
                return memory.slice((int) position, bytes);
            }, out, MIB);
        }
        assertEquals(List.of(0L, (long) MIB, 2L * MIB, 3L * MIB, 4L * MIB, 5L * MIB), positions);
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void theDigestCoversExactlyThePlansRegion() throws Exception {
        byte[] expected = random(PLAN_BYTES);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (EnginePlan plan = EnginePlan.open(fileWith(expected), OFFSET, PLAN_BYTES)) {
            plan.digest(digest);
            assertEquals(PLAN_BYTES, plan.length());
        }
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(expected), digest.digest());
    }

    @Test
    void aPlanLongerThanItsFileFailsNamingTheFile() throws Exception {
        Path file = fileWith(random(MIB));
        try (EnginePlan plan = EnginePlan.open(file, OFFSET, 3L * MIB)) {
            ByteBuffer memory = ByteBuffer.allocate(3 * MIB);
            EOFException e = assertThrows(EOFException.class,
                    () -> plan.readInto((position, bytes) -> memory.slice((int) position, bytes), MIB));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated"),
                    e.getMessage());
        }
    }

    @Test
    void closingATemporaryPlanDeletesItsFileButARegionsFileStays() throws Exception {
        Path region = fileWith(random(100));
        EnginePlan.open(region, OFFSET, 100).close();
        assertTrue(Files.exists(region));

        Path temporary = Files.write(dir.resolve("built.plan"), random(100));
        EnginePlan plan = EnginePlan.temporary(temporary, FileChannel.open(temporary, StandardOpenOption.READ));
        assertEquals(100, plan.length());
        plan.close();
        assertFalse(Files.exists(temporary));
    }
}
