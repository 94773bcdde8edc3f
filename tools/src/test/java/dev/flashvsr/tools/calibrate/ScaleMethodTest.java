package dev.flashvsr.tools.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScaleMethodTest {

    /** 100000 values spread evenly over [-1, 1] and one outlier of 100. */
    private static ActivationHistogram withOutlier() throws CalibrationException {
        float[] values = new float[100_001];
        for (int i = 0; i < 100_000; i++) {
            values[i] = -1 + 2f * i / 99_999;
        }
        values[100_000] = 100;
        ActivationHistogram h = new ActivationHistogram("t");
        h.addToMaximum(values);
        h.checkUsable();
        h.addToHistogram(values);
        return h;
    }

    @Test
    void maxKeepsTheOutlierPercentileClipsItMseWeighsIt() throws Exception {
        ActivationHistogram h = withOutlier();
        assertEquals(100f, ScaleMethod.MAX.range(h));
        assertEquals(100f / 127, ScaleMethod.MAX.scale(h));
        float percentile = ScaleMethod.PERCENTILE.range(h);
        assertTrue(percentile > 0.99 && percentile < 1.1, "percentile range " + percentile);
        // one outlier's squared clipping error outweighs a coarser step for all 100000 values,
        // but not all the way to 100
        float mse = ScaleMethod.MSE.range(h);
        assertTrue(mse > 10 && mse < 90, "mse range " + mse);
    }

    @Test
    void nonFiniteOrAllZeroActivationsHaveNoScale() {
        ActivationHistogram nan = new ActivationHistogram("nan");
        nan.addToMaximum(new float[] {Float.NaN, 2f});
        CalibrationException e = assertThrows(CalibrationException.class, nan::checkUsable);
        assertTrue(e.getMessage().contains("'nan'") && e.getMessage().contains("NaN"), e.getMessage());
        ActivationHistogram zero = new ActivationHistogram("zero");
        zero.addToMaximum(new float[] {0f, -0f});
        e = assertThrows(CalibrationException.class, zero::checkUsable);
        assertTrue(e.getMessage().contains("is 0 on every calibration frame"), e.getMessage());
    }
}
