package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LocalBlockMaskTest {
    private static final Pattern NAME = Pattern.compile("local_mask\\.bh(\\d+)_bw(\\d+)_r(\\d+)");

    @Test
    void everyGoldenExampleMatchesInEveryEntry() throws IOException {
        int examples = 0;
        try (SafeTensorsFile f = SafeTensors.open(GoldenData.root().resolve("dit/local_mask_examples.safetensors"))) {
            for (String name : f.names()) {
                Matcher m = NAME.matcher(name);
                assertTrue(m.matches(), "unexpected tensor name " + name);
                int rows = Integer.parseInt(m.group(1));
                int cols = Integer.parseInt(m.group(2));
                int range = Integer.parseInt(m.group(3));
                FloatTensor golden = f.readTensor(name);
                boolean[][] mask = LocalBlockMask.of(rows, cols, range);
                int s = rows * cols;
                assertEquals(s, golden.dim(0), name);
                assertEquals(s, golden.dim(1), name);
                for (int q = 0; q < s; q++) {
                    for (int k = 0; k < s; k++) {
                        assertEquals(golden.data()[q * s + k] != 0, mask[q][k], name + " [" + q + "][" + k + "]");
                    }
                }
                examples++;
            }
        }
        assertTrue(examples >= 6, "expected the golden examples, found " + examples);
    }

    @Test
    void evenRangesReachFurtherUpAndLeftThanDownAndRight() {
        boolean[][] mask = LocalBlockMask.of(3, 3, 2);
        int centre = 4;
        assertTrue(mask[centre][0]); // (0,0): one up, one left
        assertFalse(mask[centre][8]); // (2,2): one down, one right
        assertTrue(mask[centre][centre]);
    }

    @Test
    void rangeBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> LocalBlockMask.of(2, 3, 0));
    }
}
