package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LcsaParamsTest {
    @Test
    void topkAndKFollowUpstream() {
        // README section 3: 2x3 blocks, topk_ratio 2.0 gives topk 71; section 4: 1x2 blocks give 7
        LcsaParams dit = new LcsaParams(2, 3, 1, 4, 3, 2.0);
        assertEquals(6, dit.spatialBlocks());
        assertEquals(24, dit.keyBlocks());
        assertEquals(71, dit.topk());
        assertEquals(71, dit.k());
        LcsaParams pipeline = new LcsaParams(1, 2, 3, 3, 11, 2.0);
        assertEquals(7, pipeline.k());
        // k is capped at S * keyBlocks - 1 (every entry above the minimum)
        assertEquals(2 * 6 - 1, new LcsaParams(1, 2, 3, 3, 11, 60.0).k());
        // int() truncates: 60 * 60 * 2.0 * 768 * 1280 / (720 * 1280) = 7680 exactly, 1.9 gives 6840
        assertEquals(7679, new LcsaParams(6, 10, 1, 4, 11, 2.0 * 768 * 1280 / (720 * 1280)).k());
        assertEquals(6839, new LcsaParams(6, 10, 1, 4, 11, 1.9).k());
    }

    @Test
    void invalidParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LcsaParams(0, 3, 1, 4, 3, 2.0));
        assertThrows(IllegalArgumentException.class, () -> new LcsaParams(2, 3, 1, 4, 0, 2.0));
        assertThrows(IllegalArgumentException.class, () -> new LcsaParams(2, 3, 1, 4, 3, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new LcsaParams(1, 1, 1, 1, 3, 0.5));
    }
}
