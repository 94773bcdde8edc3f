package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * 1,000 frames must not grow the Java heap or the process's native memory: per-frame objects
 * (mapped frames, JNA memory, buffers from the pool) must all be released.
 */
class LongRunMemoryTest {
    /** Stated bounds, generous against measurement noise (GC timing, malloc arenas, JIT code). */
    private static final long HEAP_BOUND_BYTES = 16L << 20;
    private static final long RSS_BOUND_BYTES = 48L << 20;

    private static final String PIPELINE = "videotestsrc num-buffers=%d ! video/x-raw,format=I420,width=160,height=90"
            + " ! flashvsrfilter scale=4 ! fakesink";

    @Test
    void thousandFramesDoNotGrowMemory() throws Exception {
        assertNull(GstTestSupport.run(String.format(PIPELINE, 200)).error());
        long heapBefore = usedHeapAfterGc();
        long rssBefore = residentBytes();
        GstTestSupport.Run run = GstTestSupport.run(String.format(PIPELINE, 1000));
        assertNull(run.error(), run.error());
        long heapGrowth = usedHeapAfterGc() - heapBefore;
        long rssGrowth = residentBytes() - rssBefore;
        System.out.printf("1000 frames 160x90 -> 640x360: heap growth %d KiB, RSS growth %d KiB%n",
                heapGrowth >> 10, rssGrowth >> 10);
        assertTrue(heapGrowth < HEAP_BOUND_BYTES, "Java heap grew by " + heapGrowth + " bytes");
        assertTrue(rssGrowth < RSS_BOUND_BYTES, "resident memory grew by " + rssGrowth + " bytes");
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
