package dev.flashvsr.engine.flashvsr.pixels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PilBicubicTest {
    @Test
    void goldenUpscaledInputMatchesPillowExactlyInEveryFrame() throws IOException {
        JsonNode test = new ObjectMapper()
                .readTree(GoldenData.root().resolve("release-layout/config.json").toFile()).get("pipeline_test");
        byte[] lr;
        byte[] expected;
        long[] lrShape;
        long[] hrShape;
        try (SafeTensorsFile f = SafeTensors.open(GoldenData.root().resolve("pipeline/inputs.safetensors"))) {
            lr = f.readBytes("lr_frames_u8");
            expected = f.readBytes("lq_upscaled_u8");
            lrShape = f.info("lr_frames_u8").shape();
            hrShape = f.info("lq_upscaled_u8").shape();
        }
        int frames = test.get("lr_frames").asInt();
        int inH = test.get("lr_h_w").get(0).asInt();
        int inW = test.get("lr_h_w").get(1).asInt();
        int outH = test.get("hr_h_w").get(0).asInt();
        int outW = test.get("hr_h_w").get(1).asInt();
        assertArrayEquals(new long[] {frames, inH, inW, 3}, lrShape);
        int[] sources = UpstreamFrames.paddedFrameIndices(frames);
        assertArrayEquals(new long[] {sources.length, outH, outW, 3}, hrShape);
        PilBicubic resize = new PilBicubic(inW, inH, outW, outH);
        int inFrame = inW * inH * 3;
        int outFrame = outW * outH * 3;
        byte[] out = new byte[outFrame];
        int mismatches = 0;
        for (int t = 0; t < sources.length; t++) {
            resize.resize(lr, sources[t] * inFrame, out, 0);
            for (int i = 0; i < outFrame; i++) {
                mismatches += out[i] != expected[t * outFrame + i] ? 1 : 0;
            }
        }
        assertEquals(0, mismatches, "bytes differing from Pillow's resize over " + sources.length + " frames");
    }

    @Test
    void constantImagesStayConstantWhenGrowingAndShrinking() {
        byte[] grey = new byte[17 * 9 * 3];
        Arrays.fill(grey, (byte) 200);
        for (int[] size : new int[][] {{68, 36}, {5, 3}, {17, 40}, {40, 9}}) {
            byte[] out = PilBicubic.resize(grey, 17, 9, size[0], size[1]);
            for (byte v : out) {
                assertEquals(200, v & 0xFF, "size " + size[0] + "x" + size[1]);
            }
        }
    }

    @Test
    void sameSizeIsACopyAndOvershootIsClipped() {
        Random r = new Random(7);
        byte[] img = new byte[8 * 6 * 3];
        r.nextBytes(img);
        assertArrayEquals(img, PilBicubic.resize(img, 8, 6, 8, 6));
        // a black/white step overshoots on both sides under Keys' kernel; results stay in 0..255
        byte[] step = new byte[8 * 3];
        Arrays.fill(step, 12, 24, (byte) 255);
        byte[] up = PilBicubic.resize(step, 8, 1, 32, 1);
        assertEquals(0, up[0] & 0xFF);
        assertEquals(255, up[up.length - 1] & 0xFF);
    }
}
