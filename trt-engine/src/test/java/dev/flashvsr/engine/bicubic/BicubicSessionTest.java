package dev.flashvsr.engine.bicubic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class BicubicSessionTest {

    static List<Arguments> formatsAndScales() {
        List<Arguments> cases = new ArrayList<>();
        for (PixelFormat format : PixelFormat.values()) {
            for (int scale : new int[] {2, 4}) {
                cases.add(Arguments.of(format, scale));
            }
        }
        return cases;
    }

    static VideoFrame upscale(VideoFrame input, int scale) throws EngineException {
        StreamSpec spec = new StreamSpec(input.format(), input.width(), input.height(), scale);
        VideoFrame output = VideoFrame.allocate(input.format(), spec.outputWidth(), spec.outputHeight());
        try (StreamingSession session = new BicubicModel().open(spec, SessionOptions.DEFAULT)) {
            List<Integer> emitted = new ArrayList<>();
            session.push(input, renderer -> {
                renderer.renderInto(output);
                emitted.add(1);
                return true;
            });
            assertEquals(1, emitted.size(), "bicubic emits exactly one frame per input");
            assertEquals(0, session.heldFrames());
        }
        return output;
    }

    static VideoFrame randomFrame(PixelFormat format, int width, int height, long seed) {
        VideoFrame frame = VideoFrame.allocate(format, width, height);
        Random random = new Random(seed);
        for (int p = 0; p < format.planeCount(); p++) {
            for (int y = 0; y < frame.planeHeight(p); y++) {
                for (int x = 0; x < frame.planeWidth(p); x++) {
                    for (int c = 0; c < format.pixelStride(p); c++) {
                        frame.setSample(p, x, y, c, random.nextInt(256));
                    }
                }
            }
        }
        return frame;
    }

    @ParameterizedTest
    @MethodSource("formatsAndScales")
    void matchesIndependentReference(PixelFormat format, int scale) throws EngineException {
        assertMatchesReference(randomFrame(format, 13, 7, format.ordinal() * 31L + scale), scale);
    }

    @ParameterizedTest
    @MethodSource("formatsAndScales")
    void matchesIndependentReferenceOnFramesNarrowerThanTheTaps(PixelFormat format, int scale) throws EngineException {
        // A 1-pixel-wide chroma plane at x2 has a single output column: one phase has none.
        for (int[] size : new int[][] {{1, 1}, {1, 5}, {2, 1}, {3, 2}}) {
            assertMatchesReference(randomFrame(format, size[0], size[1], size[0] * 7L + size[1]), scale);
        }
    }

    private static void assertMatchesReference(VideoFrame input, int scale) throws EngineException {
        PixelFormat format = input.format();
        VideoFrame output = upscale(input, scale);
        for (int p = 0; p < format.planeCount(); p++) {
            for (int y = 0; y < output.planeHeight(p); y++) {
                for (int x = 0; x < output.planeWidth(p); x++) {
                    for (int c = 0; c < format.pixelStride(p); c++) {
                        int expected = ReferenceBicubic.sample(input, p, c, x, y, scale);
                        int actual = output.sample(p, x, y, c);
                        String where = input.width() + "x" + input.height() + " " + format + " x" + scale + " plane " + p
                                + " at " + x + "," + y + " channel " + c;
                        assertEquals(expected, actual, where);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("formatsAndScales")
    void constantFrameStaysConstant(PixelFormat format, int scale) throws EngineException {
        VideoFrame input = VideoFrame.allocate(format, 9, 5);
        for (int p = 0; p < format.planeCount(); p++) {
            for (int y = 0; y < input.planeHeight(p); y++) {
                for (int x = 0; x < input.planeWidth(p); x++) {
                    for (int c = 0; c < format.pixelStride(p); c++) {
                        input.setSample(p, x, y, c, 37 + 50 * c + 20 * p);
                    }
                }
            }
        }
        VideoFrame output = upscale(input, scale);
        for (int p = 0; p < format.planeCount(); p++) {
            for (int y = 0; y < output.planeHeight(p); y++) {
                for (int x = 0; x < output.planeWidth(p); x++) {
                    for (int c = 0; c < format.pixelStride(p); c++) {
                        assertEquals(37 + 50 * c + 20 * p, output.sample(p, x, y, c));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("formatsAndScales")
    void bandsOnSeveralThreadsGiveTheSameOutputAsOneBand(PixelFormat format, int scale) throws EngineException {
        // Odd sizes, so bands, phases and chroma planes all end unevenly.
        VideoFrame input = randomFrame(format, 501, 269, format.ordinal() * 17L + scale);
        StreamSpec spec = new StreamSpec(format, input.width(), input.height(), scale);
        ForkJoinPool pool = new ForkJoinPool(3);
        try (BicubicSession oneBand = new BicubicSession(spec, pool, 1);
                BicubicSession sevenBands = new BicubicSession(spec, pool, 7)) {
            for (int p = 0; p < format.planeCount(); p++) {
                assertEquals(1, oneBand.bandCount(p));
                assertTrue(sevenBands.bandCount(p) > 1, "plane " + p + " is cut into bands");
            }
            VideoFrame expected = render(oneBand, input);
            VideoFrame actual = render(sevenBands, input);
            for (int p = 0; p < format.planeCount(); p++) {
                for (int y = 0; y < actual.planeHeight(p); y++) {
                    for (int x = 0; x < actual.planeWidth(p) * format.pixelStride(p); x++) {
                        int c = x % format.pixelStride(p);
                        int column = x / format.pixelStride(p);
                        assertEquals(expected.sample(p, column, y, c), actual.sample(p, column, y, c),
                                format + " x" + scale + " plane " + p + " at " + column + "," + y + " channel " + c);
                    }
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    private static VideoFrame render(StreamingSession session, VideoFrame input) throws EngineException {
        StreamSpec spec = session.spec();
        VideoFrame output = VideoFrame.allocate(spec.format(), spec.outputWidth(), spec.outputHeight());
        session.push(input, renderer -> {
            renderer.renderInto(output);
            return true;
        });
        return output;
    }

    @Test
    void linearRampStaysLinearAwayFromBorders() throws EngineException {
        int width = 40;
        int scale = 4;
        VideoFrame input = VideoFrame.allocate(PixelFormat.I420, width, 8);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < width; x++) {
                input.setSample(0, x, y, 0, 20 + 5 * x);
            }
        }
        VideoFrame output = upscale(input, scale);
        // Output x samples source position (x + 0.5) / 4 - 0.5; a linear ramp is reproduced exactly.
        for (int x = 2 * scale; x < (width - 2) * scale; x++) {
            double position = (x + 0.5) / scale - 0.5;
            long expected = Math.round(20 + 5 * position);
            for (int y = 0; y < output.height(); y++) {
                assertEquals(expected, output.sample(0, x, y, 0), 0.51, "x=" + x);
            }
        }
    }

    @Test
    void honoursPaddedStrides() throws EngineException {
        VideoFrame packed = randomFrame(PixelFormat.RGB, 11, 6, 7);
        java.nio.ByteBuffer padded = java.nio.ByteBuffer.allocate(100 * 6);
        for (int y = 0; y < 6; y++) {
            for (int i = 0; i < 33; i++) {
                padded.put(y * 100 + i, packed.plane(0).get(y * packed.stride(0) + i));
            }
        }
        VideoFrame strided = new VideoFrame(PixelFormat.RGB, 11, 6, new java.nio.ByteBuffer[] {padded}, new int[] {100});
        VideoFrame a = upscale(packed, 2);
        VideoFrame b = upscale(strided, 2);
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width() * 3; x++) {
                assertEquals(a.sample(0, x / 3, y, x % 3), b.sample(0, x / 3, y, x % 3));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("formatsAndScales")
    void writesDirectBuffersWithOddStridesAndLeavesThePaddingAlone(PixelFormat format, int scale)
            throws EngineException {
        // Mapped GStreamer memory is direct; rows written as ints must land at any byte offset and
        // end exactly at the row's last byte (3-byte pixels at x2 end mid-int).
        VideoFrame input = randomFrame(format, 13, 7, format.ordinal() * 13L + scale);
        StreamSpec spec = new StreamSpec(format, input.width(), input.height(), scale);
        java.nio.ByteBuffer[] planes = new java.nio.ByteBuffer[format.planeCount()];
        int[] strides = new int[format.planeCount()];
        for (int p = 0; p < planes.length; p++) {
            strides[p] = format.planeWidth(p, spec.outputWidth()) * format.pixelStride(p) + 3;
            planes[p] = java.nio.ByteBuffer.allocateDirect(strides[p] * format.planeHeight(p, spec.outputHeight()));
            for (int i = 0; i < planes[p].capacity(); i++) {
                planes[p].put(i, (byte) 0x5a);
            }
        }
        VideoFrame direct = new VideoFrame(format, spec.outputWidth(), spec.outputHeight(), planes, strides);
        try (StreamingSession session = new BicubicModel().open(spec, SessionOptions.DEFAULT)) {
            session.push(input, renderer -> {
                renderer.renderInto(direct);
                return true;
            });
        }
        VideoFrame expected = upscale(input, scale);
        for (int p = 0; p < format.planeCount(); p++) {
            int rowBytes = direct.planeWidth(p) * format.pixelStride(p);
            for (int y = 0; y < direct.planeHeight(p); y++) {
                for (int x = 0; x < rowBytes; x++) {
                    assertEquals(expected.plane(p).get(y * expected.stride(p) + x), planes[p].get(y * strides[p] + x),
                            format + " x" + scale + " plane " + p + " row " + y + " byte " + x);
                }
                for (int x = rowBytes; x < strides[p]; x++) {
                    assertEquals((byte) 0x5a, planes[p].get(y * strides[p] + x),
                            format + " x" + scale + " plane " + p + " row " + y + " padding byte " + x);
                }
            }
        }
    }

    @Test
    void refusesFramesOfAnotherSize() throws EngineException {
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, 8, 8, 2);
        try (StreamingSession session = new BicubicModel().open(spec, SessionOptions.DEFAULT)) {
            VideoFrame wrong = VideoFrame.allocate(PixelFormat.RGB, 9, 8);
            assertThrows(IllegalArgumentException.class, () -> session.push(wrong, r -> true));
        }
    }

    @Test
    void tensorrtIsRefusedWithARemedy() {
        EngineException e = assertThrows(EngineException.class, () -> new BicubicModel().resolveBackend(Backend.TENSORRT));
        assertTrue(e.describe().contains("backend=cpu"), e.describe());
    }
}
