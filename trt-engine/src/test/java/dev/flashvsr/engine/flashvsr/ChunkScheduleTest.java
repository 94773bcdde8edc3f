package dev.flashvsr.engine.flashvsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChunkScheduleTest {

    @Test
    void chunksFollowTheUpstreamSchedule() {
        assertEquals(0, ChunkSchedule.chunkCompletedBy(25));
        assertEquals(-1, ChunkSchedule.chunkCompletedBy(24));
        assertEquals(-1, ChunkSchedule.chunkCompletedBy(26));
        assertEquals(1, ChunkSchedule.chunkCompletedBy(33));
        assertEquals(2, ChunkSchedule.chunkCompletedBy(41));
        assertEquals(21, ChunkSchedule.outputEnd(0));
        assertEquals(21, ChunkSchedule.firstOutput(1));
        assertEquals(29, ChunkSchedule.outputEnd(1));
        assertEquals(6, ChunkSchedule.firstLatent(1));
        assertEquals(8, ChunkSchedule.firstLatent(2));
        for (int k = 1; k < 50; k++) {
            assertEquals(ChunkSchedule.outputEnd(k - 1), ChunkSchedule.firstOutput(k), "outputs are contiguous");
            assertEquals(ChunkSchedule.firstLatent(k - 1) + ChunkSchedule.latentCount(k - 1),
                    ChunkSchedule.firstLatent(k), "latents are contiguous");
            // latent m decodes to output frames 4m-3..4m
            assertEquals(4 * ChunkSchedule.firstLatent(k) - 3, ChunkSchedule.firstOutput(k));
        }
    }

    @Test
    void everyFrameGetsAnOutputAndPaddingIsAtLeastUpstreams() {
        for (int n = 1; n < 300; n++) {
            int padded = ChunkSchedule.paddedLength(n);
            int lastChunk = ChunkSchedule.chunkCompletedBy(padded);
            assertTrue(lastChunk >= 0, "padding ends on a chunk boundary for " + n);
            assertTrue(ChunkSchedule.outputEnd(lastChunk) >= n, "all of " + n + " frames are output");
            assertTrue(lastChunk == 0 || ChunkSchedule.outputEnd(lastChunk - 1) < n, "no chunk more than needed");
            assertTrue(padded - n >= 4);
        }
        assertEquals(33, ChunkSchedule.paddedLength(29));
        assertEquals(0, ChunkSchedule.paddedLength(0));
    }
}
