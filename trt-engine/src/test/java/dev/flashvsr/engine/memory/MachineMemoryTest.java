package dev.flashvsr.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine's memory, cgroup limits and the automatic budget derived from them. */
class MachineMemoryTest {
    private static final long GIB = 1L << 30;
    private static final String MEMINFO = "MemTotal:       24684032 kB\nMemFree:        21000000 kB\n"
            + "MemAvailable:   23505632 kB\nBuffers:           10000 kB\n";

    @TempDir
    Path dir;

    @Test
    void meminfoGivesTotalAndAvailable() {
        MachineMemory m = MachineMemory.fromMeminfo(MEMINFO, Optional.empty());
        assertEquals(24684032L * 1024, m.totalBytes());
        assertEquals(23505632L * 1024, m.availableBytes());
    }

    @Test
    void aLowerCgroupLimitReplacesPhysicalMemory() {
        MachineMemory m = MachineMemory.fromMeminfo(MEMINFO,
                Optional.of(new MachineMemory.CgroupLimit(4 * GIB, 3 * GIB, dir)));
        assertEquals(4 * GIB, m.totalBytes());
        assertEquals(GIB, m.availableBytes(), "what is left under the limit");
        assertTrue(m.source().contains(dir.toString()), m.source());
    }

    @Test
    void cgroupV2LimitsAreFoundUpTheHierarchy() throws Exception {
        Path leaf = Files.createDirectories(dir.resolve("user.slice/app.scope"));
        Files.writeString(leaf.resolve("memory.max"), "max\n");
        Files.writeString(leaf.resolve("memory.current"), "100\n");
        Files.writeString(dir.resolve("user.slice/memory.max"), "8589934592\n");
        Files.writeString(dir.resolve("user.slice/memory.current"), "1073741824\n");
        Path self = Files.writeString(dir.resolve("self-cgroup"), "0::/user.slice/app.scope\n");
        MachineMemory.CgroupLimit limit = MachineMemory.CgroupLimit.find(dir, self).orElseThrow();
        assertEquals(8 * GIB, limit.limit());
        assertEquals(GIB, limit.usage());
    }

    @Test
    void cgroupV1IsReadWhenV2HasNoMemoryController() throws Exception {
        Path memory = Files.createDirectories(dir.resolve("memory/docker/abc"));
        Files.writeString(memory.resolve("memory.limit_in_bytes"), "2147483648\n");
        Files.writeString(memory.resolve("memory.usage_in_bytes"), "536870912\n");
        Path self = Files.writeString(dir.resolve("self-cgroup"), "4:memory:/docker/abc\n0::/\n");
        MachineMemory.CgroupLimit limit = MachineMemory.CgroupLimit.find(dir, self).orElseThrow();
        assertEquals(2 * GIB, limit.limit());
        assertEquals(GIB / 2, limit.usage());
    }

    @Test
    void noLimitFileMeansNoLimit() throws Exception {
        Path self = Files.writeString(dir.resolve("self-cgroup"), "0::/nowhere\n");
        assertFalse(MachineMemory.CgroupLimit.find(dir, self).isPresent());
        assertFalse(MachineMemory.CgroupLimit.find(dir, dir.resolve("missing")).isPresent());
    }

    @Test
    void thisMachineIsReadable() {
        MachineMemory m = MachineMemory.read();
        assertTrue(m.totalBytes() > 0 && m.availableBytes() > 0 && m.availableBytes() <= m.totalBytes() * 2,
                m::toString);
    }

    @Test
    void automaticBudgetIsAQuarterOfTheMachineOrHalfOfWhatIsAvailable() {
        MemoryBudget idle = MemoryBudget.automatic(new MachineMemory(16 * GIB, 15 * GIB, "test"));
        assertEquals(4 * GIB, idle.bytes());
        assertTrue(idle.automatic());
        assertTrue(idle.origin().contains("max-memory=0") && idle.origin().contains("a quarter of 16.0 GiB total"),
                idle.origin());
        MemoryBudget busy = MemoryBudget.automatic(new MachineMemory(16 * GIB, 6 * GIB, "test"));
        assertEquals(3 * GIB, busy.bytes());
        assertTrue(busy.origin().contains("half of 6.00 GiB available"), busy.origin());
    }

    @Test
    void explicitBudgetsAreInMebibytes() {
        MemoryBudget budget = MemoryBudget.forSetting(1536);
        assertEquals(1536L << 20, budget.bytes());
        assertFalse(budget.automatic());
        assertEquals("1.50 GiB (max-memory=1536)", budget.toString());
        assertTrue(MemoryBudget.forSetting(0).automatic());
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.ofMebibytes(-1));
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.ofMebibytes(Long.MAX_VALUE));
    }
}
