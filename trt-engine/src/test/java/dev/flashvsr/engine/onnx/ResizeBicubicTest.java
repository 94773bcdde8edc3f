package dev.flashvsr.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flashvsr.engine.bicubic.FloatBicubic;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every graph form of the bicubic upscale equals FloatBicubic, borders included. In particular
 * ONNX Runtime's Resize (cubic, a = -0.5, half_pixel, exclude_outside 0) gives taps outside the
 * image the edge value, as the ONNX specification does, so it needs no padding on this runtime.
 */
class ResizeBicubicTest {

    @ParameterizedTest(name = "scale {0}, {1}")
    @CsvSource({"2, RESIZE", "4, RESIZE", "2, EDGE_PADDED_RESIZE", "4, EDGE_PADDED_RESIZE", "2, PHASE_CONV",
        "4, PHASE_CONV"})
    void bicubicEqualsFloatBicubic(int scale, BicubicMethod method) throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("bicubic");
        String x = g.input("x", "N", 3, "H", "W");
        g.output(g.bicubicUpscale(x, 3, scale, method), "y", "N", "C", "OH", "OW");
        byte[] model = g.toByteArray();
        Random random = new Random(scale * 31L + method.ordinal());
        int[][] sizes = {{1, 1}, {1, 4}, {2, 3}, {9, 7}, {17, 30}};
        for (int[] size : sizes) {
            int channels = 3;
            int h = size[0];
            int w = size[1];
            float[] image = new float[channels * h * w];
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextFloat() * 2 - 0.5f;
            }
            float[] got = OrtRunner.run(model, Map.of("x", Map.entry(image, new long[] {1, channels, h, w}))).get("y");
            float[] want = FloatBicubic.upscale(image, channels, h, w, scale);
            assertEquals(want.length, got.length);
            int ow = w * scale;
            int oh = h * scale;
            for (int i = 0; i < want.length; i++) {
                int c = i / (oh * ow);
                int oy = i / ow % oh;
                int ox = i % ow;
                assertEquals(want[i], got[i], 1e-4, h + "x" + w + " c" + c + " (" + ox + ", " + oy + ")");
            }
        }
    }
}
