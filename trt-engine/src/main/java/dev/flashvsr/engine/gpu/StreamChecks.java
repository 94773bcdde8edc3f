package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaEvent;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The cuda backend's sessions on a GPU: frames in equal frames out, in order, each within a level
 * of the CPU frame path; NV12 to FP16 throughput against a device-to-device copy; and device
 * memory that stays flat over a long stream.
 */
public final class StreamChecks {
    private final CudaDevice device;

    StreamChecks(CudaDevice device) {
        this.device = device;
    }

    /**
     * {@code frames} distinct frames of every format at x2 and x4 through a session, then drained:
     * one output per input, in order, each within 1 level of {@link CpuFramePath}.
     */
    CheckResult sessions(int width, int height, int frames) throws EngineException {
        int worst = 0;
        int streams = 0;
        for (PixelFormat format : PixelFormat.values()) {
            for (int scale : new int[] {2, 4}) {
                StreamSpec spec = new StreamSpec(format, width, height, scale);
                List<VideoFrame> inputs = new ArrayList<>();
                for (int i = 0; i < frames; i++) {
                    inputs.add(KernelChecks.randomFrame(format, width, height, 1000L * streams + i));
                }
                List<VideoFrame> outputs;
                try (StreamingSession session = new CudaBicubicSession(device, spec)) {
                    outputs = run(session, inputs);
                }
                if (outputs.size() != frames) {
                    return CheckResult.fail("cuda-sessions", frames + " " + format + " frames in, " + outputs.size()
                            + " out at x" + scale);
                }
                for (int i = 0; i < frames; i++) {
                    VideoFrame expected = CpuFramePath.upscale(inputs.get(i), spec.colorimetry(), scale);
                    worst = Math.max(worst, CpuFramePath.maxDifference(expected, outputs.get(i)));
                }
                streams++;
            }
        }
        return CheckResult.of("cuda-sessions", worst <= 1, String.format(Locale.ROOT,
                "%d streams (8 formats, x2 and x4) of %d frames at %dx%d: frames in = frames out, in order;"
                        + " max |gpu-cpu| %d levels (limit 1)", streams, frames, width, height, worst));
    }

    /** Every input through {@code session}, then drained: one new host frame per output, in order. */
    public static List<VideoFrame> run(StreamingSession session, List<VideoFrame> inputs) throws EngineException {
        StreamSpec spec = session.spec();
        List<VideoFrame> outputs = new ArrayList<>();
        for (VideoFrame input : inputs) {
            session.push(input, renderer -> collect(renderer, spec, outputs));
        }
        session.drain(renderer -> collect(renderer, spec, outputs));
        return outputs;
    }

    /** A sink that renders every output into {@code output}, overwriting it, and counts them in {@code count[0]}. */
    static FrameSink renderingInto(VideoFrame output, int[] count) {
        return renderer -> {
            renderer.renderInto(output);
            count[0]++;
            return true;
        };
    }

    /** A sink's answer that renders each output into a new host frame added to {@code outputs}. */
    public static boolean collect(FrameSink.FrameRenderer renderer, StreamSpec spec, List<VideoFrame> outputs) {
        VideoFrame out = VideoFrame.allocate(spec.format(), spec.outputWidth(), spec.outputHeight());
        renderer.renderInto(out);
        outputs.add(out);
        return true;
    }

    /**
     * NV12 to planar FP16 at {@code width x height}, timed with events over {@code repeats} launches,
     * against a device-to-device copy of the FP16 image's bytes timed the same way.
     */
    CheckResult nv12ToFp16Throughput(int width, int height, int repeats) throws CudaException {
        PackedFrameLayout layout = new PackedFrameLayout(PixelFormat.NV12, width, height);
        long planarBytes = PlanarImage.bytes(width, height, true);
        try (CudaStream stream = device.newStream();
                FrameKernels kernels = new FrameKernels(device.kernels(),
                        Colorimetry.defaultFor(PixelFormat.NV12, height));
                DeviceBuffer frame = device.allocate(layout.bytes());
                DeviceBuffer planar = device.allocate(planarBytes);
                DeviceBuffer copy = device.allocate(planarBytes)) {
            stream.fill(frame, 0, layout.bytes(), 0x80);
            VideoFrame nv12 = layout.onDevice(frame);
            PlanarImage fp16 = PlanarImage.tight(planar, true, width, height);
            kernels.toPlanar(stream, nv12, fp16); // the first launch loads the module and JIT-compiles the PTX
            double kernelMs = timed(stream, repeats, () -> kernels.toPlanar(stream, nv12, fp16));
            double copyMs = timed(stream, repeats, () -> stream.copy(planar, 0, copy, 0, planarBytes));
            double gigabytes = (layout.bytes() + planarBytes) / 1e9;
            return CheckResult.pass("nv12-to-fp16-" + width + "x" + height, String.format(Locale.ROOT,
                    "%.3f ms a frame (%.0f frames/s, %.1f GB/s read+written); device-to-device copy of the %d FP16"
                            + " bytes %.3f ms (%.1f GB/s read+written); kernel/copy time %.2f", kernelMs,
                    1000 / kernelMs, gigabytes / (kernelMs / 1000), planarBytes, copyMs,
                    2 * planarBytes / 1e9 / (copyMs / 1000), kernelMs / copyMs));
        }
    }

    /** Work queued on the stream, for timing. */
    @FunctionalInterface
    private interface Queued {
        void queue() throws CudaException;
    }

    /** Milliseconds per repeat of {@code work}, between two events on {@code stream}. */
    private static double timed(CudaStream stream, int repeats, Queued work) throws CudaException {
        try (CudaEvent start = stream.record()) {
            for (int i = 0; i < repeats; i++) {
                work.queue();
            }
            try (CudaEvent end = stream.record()) {
                end.synchronize();
                return end.elapsedMillisSince(start) / repeats;
            }
        }
    }

    /** The driver hands out device memory in 2 MiB pages: a smaller drop is not an allocation of ours. */
    static final long MEMORY_SLACK = 2L << 20;

    /**
     * {@code frames} NV12 frames through a cuda bicubic session: the pool's bytes in use after the
     * first 100 frames equal those at the end, and the device's free memory has not dropped by a page.
     */
    CheckResult memoryOverLongStream(int width, int height, int frames) throws EngineException {
        try (StreamingSession session = new CudaBicubicSession(device, new StreamSpec(PixelFormat.NV12, width,
                height, 2))) {
            return memoryOverLongStream("memory-" + frames + "-frames", session, frames,
                    () -> device.memory().bytesInUse());
        }
    }

    /**
     * {@code frames} frames through {@code session}, then drained: one output per input, the
     * device's free memory not down by a page between frame 100 and the end, and {@code poolInUse}
     * (the bytes the session's pool holds; null where the session's pool is not visible here)
     * unchanged over that time.
     */
    CheckResult memoryOverLongStream(String name, StreamingSession session, int frames, LongSupplier poolInUse)
            throws EngineException {
        StreamSpec spec = session.spec();
        VideoFrame input = KernelChecks.randomFrame(spec.format(), spec.width(), spec.height(), 5);
        VideoFrame output = VideoFrame.allocate(spec.format(), spec.outputWidth(), spec.outputHeight());
        long freeAfterWarmUp = 0;
        long inUseAfterWarmUp = 0;
        int warmUp = Math.min(100, frames / 2);
        int[] emitted = {0};
        FrameSink sink = renderingInto(output, emitted);
        for (int i = 0; i < frames; i++) {
            if (i == warmUp) {
                freeAfterWarmUp = device.memoryInfo().freeBytes();
                inUseAfterWarmUp = poolInUse == null ? 0 : poolInUse.getAsLong();
            }
            session.push(input, sink);
        }
        session.drain(sink);
        long freeAtEnd = device.memoryInfo().freeBytes();
        long inUseAtEnd = poolInUse == null ? 0 : poolInUse.getAsLong();
        long lost = freeAfterWarmUp - freeAtEnd;
        boolean flat = lost < MEMORY_SLACK && inUseAtEnd == inUseAfterWarmUp && emitted[0] == frames;
        return CheckResult.of(name, flat, String.format(Locale.ROOT,
                "%d of %d frames out; device free memory after frame %d %d MiB, at the end %d MiB (change %+d bytes)%s",
                emitted[0], frames, warmUp, freeAfterWarmUp >> 20, freeAtEnd >> 20, -lost, poolInUse == null ? ""
                        : String.format(Locale.ROOT, "; pool in use %d -> %d bytes", inUseAfterWarmUp, inUseAtEnd)));
    }
}
