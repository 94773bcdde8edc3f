package dev.flashvsr.engine.flashvsr.pixels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UpstreamFramesTest {
    private static JsonNode pipelineTest() throws IOException {
        return new ObjectMapper().readTree(GoldenData.root().resolve("release-layout/config.json").toFile())
                .get("pipeline_test");
    }

    @Test
    void sizesAndCropOfTheGoldenPipeline() throws IOException {
        JsonNode t = pipelineTest();
        int scale = t.get("scale").asInt();
        int lrH = t.get("lr_h_w").get(0).asInt();
        int lrW = t.get("lr_h_w").get(1).asInt();
        assertEquals(t.get("hr_h_w").get(1).asInt(), UpstreamFrames.targetSize(lrW, scale));
        assertEquals(t.get("hr_h_w").get(0).asInt(), UpstreamFrames.targetSize(lrH, scale));
        assertEquals(0, UpstreamFrames.cropOffset(UpstreamFrames.scaledSize(lrW, scale),
                UpstreamFrames.targetSize(lrW, scale)));
    }

    @Test
    void sizesRoundDownToMultiplesOf128AndCropCentres() {
        // 100 px x 4 = 400 -> 384, offset (400 - 384) // 2 = 8
        assertEquals(400, UpstreamFrames.scaledSize(100, 4));
        assertEquals(384, UpstreamFrames.targetSize(100, 4));
        assertEquals(8, UpstreamFrames.cropOffset(400, 384));
        assertEquals(7, UpstreamFrames.cropOffset(399, 384));
        // Python's round is half to even: 32.5 -> 32, 33.5 -> 34
        assertEquals(32, UpstreamFrames.scaledSize(13, 2.5));
        assertEquals(34, UpstreamFrames.scaledSize(67, 0.5));
        assertThrows(IllegalArgumentException.class, () -> UpstreamFrames.targetSize(20, 4));
    }

    @Test
    void framesArePaddedWithFourCopiesAndTruncatedTo8nPlus1() throws IOException {
        JsonNode t = pipelineTest();
        int frames = t.get("lr_frames").asInt();
        assertEquals(t.get("num_frames_F").asInt(), UpstreamFrames.paddedFrameCount(frames));
        assertEquals(t.get("output_frames").asInt(), UpstreamFrames.outputFrameCount(frames));
        int[] indices = UpstreamFrames.paddedFrameIndices(frames);
        for (int i = 0; i < indices.length; i++) {
            assertEquals(Math.min(i, frames - 1), indices[i]);
        }
        // 30 frames + 4 = 34 -> 33 (one real frame lost); 36 + 4 = 40 -> 33 (7 lost); 37 + 4 = 41
        assertEquals(33, UpstreamFrames.paddedFrameCount(30));
        assertEquals(29, UpstreamFrames.outputFrameCount(36));
        assertEquals(41, UpstreamFrames.paddedFrameCount(37));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 4, 4, 4, 4}, UpstreamFrames.paddedFrameIndices(5));
        assertArrayEquals(new int[] {0}, UpstreamFrames.paddedFrameIndices(1));
    }

    @Test
    void u8ToFloatIsDivideDoubleSubtractInFloat32() {
        assertEquals(-1f, UpstreamFrames.toFloat(0));
        assertEquals(1f, UpstreamFrames.toFloat(255));
        for (int v = 0; v < 256; v++) {
            float expected = (float) v / 255f;
            expected = expected * 2f;
            expected = expected - 1f;
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(UpstreamFrames.toFloat(v)), "u8 " + v);
        }
    }

    @Test
    void floatToU8TruncatesAfterClipping() {
        assertEquals(127, UpstreamFrames.toU8(0f)); // 127.5 truncated, not rounded
        assertEquals(0, UpstreamFrames.toU8(-1f));
        assertEquals(255, UpstreamFrames.toU8(1f));
        assertEquals(0, UpstreamFrames.toU8(-3f));
        assertEquals(255, UpstreamFrames.toU8(2f));
        assertEquals(254, UpstreamFrames.toU8(1f - 0x1p-10f)); // 254.875
        assertEquals(128, UpstreamFrames.toU8(0x1p-7f)); // 128.49...
        for (int v = 0; v < 256; v++) {
            // the round trip of an input byte never gains: truncation can lose one step
            int back = UpstreamFrames.toU8(UpstreamFrames.toFloat(v));
            assertEquals(v, back, 1, "u8 " + v);
        }
    }

    @Test
    void goldenFloatFrameZeroConvertsToTheGoldenBytes() throws IOException {
        FloatTensor frame;
        byte[] expected;
        long[] shape;
        try (SafeTensorsFile f = SafeTensors.open(GoldenData.root().resolve("pipeline/outputs.safetensors"))) {
            frame = f.readTensor("output_float_frame0");
            expected = f.readBytes("output_frames_u8");
            shape = f.info("output_frames_u8").shape();
        }
        int h = (int) shape[1];
        int w = (int) shape[2];
        assertArrayEquals(new long[] {3, 1, h, w}, frame.shape());
        byte[] out = new byte[h * w * 3];
        UpstreamFrames.toInterleavedU8(frame.data(), w, h, out);
        assertArrayEquals(Arrays.copyOf(expected, out.length), out);
        float[] planar = new float[3 * h * w];
        UpstreamFrames.toPlanarFloat(out, w, h, planar);
        for (int i = 0; i < planar.length; i++) {
            assertEquals(frame.data()[i], planar[i], 2 / 255.0 + 1e-6, "value " + i);
        }
    }
}
