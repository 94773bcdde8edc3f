package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.weights.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Folded constants and RoPE tables against the golden helpers of dit/inputs.safetensors. */
class DitConstantsTest {
    private static DitGolden golden;
    private static DitConstants constants;

    @BeforeAll
    static void open() throws Exception {
        golden = DitGolden.open();
        constants = golden.constants();
    }

    @AfterAll
    static void close() throws Exception {
        golden.close();
    }

    @Test
    void timeEmbeddingAndProjection() {
        assertClose("t", golden.inputs.readTensor("t").data(), constants.t(), 1e-6f);
        assertClose("t_mod", golden.inputs.readTensor("t_mod").data(), constants.tMod(), 1e-6f);
    }

    @Test
    void crossAttentionKeysAndValues() {
        for (int l = 0; l < golden.dims.layers(); l++) {
            assertClose("cross_k.block" + l, golden.inputs.readTensor("cross_k.block" + l).data(), constants.crossKeys(l),
                    1e-6f);
            assertClose("cross_v.block" + l, golden.inputs.readTensor("cross_v.block" + l).data(),
                    constants.crossValues(l), 1e-6f);
        }
    }

    @Test
    void ropeTables() {
        String[] axes = {"t", "h", "w"};
        int[] dims = {golden.dims.ropeTimeDims(), golden.dims.ropeSpaceDims(), golden.dims.ropeSpaceDims()};
        for (int a = 0; a < 3; a++) {
            FloatTensor re = golden.inputs.readTensor("freqs_" + axes[a] + "_real");
            RopeTables tables = RopeTables.of((int) re.dim(0), dims[a], golden.dims.ropeTheta());
            assertTrue(re.dim(1) == tables.pairs(), "pairs of axis " + axes[a]);
            assertClose("freqs_" + axes[a] + "_real", re.data(), tables.cos(), 0f);
            assertClose("freqs_" + axes[a] + "_imag", golden.inputs.readTensor("freqs_" + axes[a] + "_imag").data(),
                    tables.sin(), 0f);
        }
    }

    @Test
    void contextOfTheWrongWidthIsRejected() {
        FloatTensor wrong = new FloatTensor(new long[] {1, 4, golden.dims.textDim() + 1},
                new float[4 * (golden.dims.textDim() + 1)]);
        assertThrows(IllegalArgumentException.class, () -> DitConstants.compute(golden.weights, wrong, golden.dims, 1000));
    }

    @Test
    void tokenGridMustHoldWholeBlocks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DitTokenGrid.of(golden.dims, 2, golden.latentHeight + 2, golden.latentWidth));
        assertTrue(e.getMessage().contains("multiples"), e.getMessage());
    }

    static void assertClose(String what, float[] expected, float[] actual, float tolerance) {
        float err = StepRunner.maxAbsDiff(expected, actual);
        System.out.printf("%s: max abs error %.3g%n", what, err);
        assertTrue(err <= tolerance, what + ": max abs error " + err + " > " + tolerance);
    }
}
