package dev.flashvsr.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's pieces on their own: crop choice, charts, escaping. */
class ReportPartsTest {

    @Test
    void theCropLandsOnTheDetailedRegionAlignedToTheScale() {
        RgbImage image = RgbImage.filled(400, 300, 90, 90, 90);
        // A checkerboard at (250..330, 170..250): the only detail in the frame.
        for (int y = 170; y < 250; y++) {
            for (int x = 250; x < 330; x++) {
                int v = (x + y) % 2 == 0 ? 255 : 0;
                for (int c = 0; c < 3; c++) {
                    image.set(x, y, c, v);
                }
            }
        }
        DetailCrop crop = DetailCrop.mostDetailed(image, 7, 4);
        assertEquals(128, crop.side());
        assertEquals(7, crop.frame());
        assertEquals(0, crop.x() % 4);
        assertEquals(0, crop.y() % 4);
        assertTrue(crop.x() <= 250 && crop.x() + 128 >= 330 && crop.y() <= 170 && crop.y() + 128 >= 250,
                "crop " + crop + " holds the checkerboard");
        RgbImage small = RgbImage.filled(20, 12, 0, 0, 0);
        assertEquals(12, DetailCrop.mostDetailed(small, 0, 2).side(), "a small window is cropped whole in height");
    }

    @Test
    void theLowResolutionCropIsEnlargedAsBlocks() {
        RgbImage lowRes = new RgbImage(4, 4);
        lowRes.set(1, 0, 0, 200);
        RgbImage big = new DetailCrop(0, 0, 8, 0).ofLowRes(lowRes, 2);
        assertEquals(8, big.width());
        assertEquals(200, big.get(2, 0, 0));
        assertEquals(200, big.get(3, 1, 0));
        assertEquals(0, big.get(4, 0, 0));
    }

    @Test
    void chartsHaveTheirSizeALinePerSeriesAndSurviveOddValues() {
        BufferedImage chart = LineChart.draw("t", "frame", "dB", 0, List.of(
                new LineChart.Series("a", new double[] {30, 31, Double.POSITIVE_INFINITY, 32}),
                new LineChart.Series("b", new double[] {29, Double.NaN, 30, 30.5})));
        assertEquals(LineChart.WIDTH, chart.getWidth());
        assertEquals(LineChart.HEIGHT, chart.getHeight());
        assertTrue(count(chart, LineChart.PALETTE[0].getRGB()) > 30);
        assertTrue(count(chart, LineChart.PALETTE[1].getRGB()) > 30);
        BufferedImage flat = LineChart.draw("one point", "frame", "dB", 1, List.of(
                new LineChart.Series("a", new double[] {5})));
        assertTrue(count(flat, LineChart.PALETTE[0].getRGB()) > 10, "a single point is drawn as a marker");
    }

    @Test
    void textIsEscapedForHtml() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;", HtmlReport.escape("a <b> & \"c\" 'd'"));
    }

    /** Pixels of exactly this colour. */
    static int count(BufferedImage image, int argb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += image.getRGB(x, y) == argb ? 1 : 0;
            }
        }
        return n;
    }
}
