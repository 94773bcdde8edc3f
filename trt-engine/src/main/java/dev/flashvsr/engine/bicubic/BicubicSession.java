package dev.flashvsr.engine.bicubic;

import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.ArrayList;
import java.util.List;

/**
 * Upscales every plane of every frame independently with the Keys bicubic kernel. It holds no
 * frames: each output is written while its input is still mapped. Chroma planes of 4:2:0 formats
 * are resampled with the same integer factor, which keeps chroma siting (output chroma sample j
 * reads source chroma position (j + 0.5) / scale - 0.5) for odd sizes too.
 */
final class BicubicSession implements StreamingSession {
    private final StreamSpec spec;
    private final PlaneResampler[] planes;
    private final ForkJoinPool pool;

    /** {@code bands}: how many bands a plane is cut into at most, one per thread that may work on it. */
    BicubicSession(StreamSpec spec, ForkJoinPool pool, int bands) {
        this.spec = spec;
        this.pool = pool;
        planes = new PlaneResampler[spec.format().planeCount()];
        for (int p = 0; p < planes.length; p++) {
            planes[p] = new PlaneResampler(
                    spec.format().planeWidth(p, spec.width()), spec.format().planeHeight(p, spec.height()),
                    spec.format().planeWidth(p, spec.outputWidth()), spec.format().planeHeight(p, spec.outputHeight()),
                    spec.format().pixelStride(p), spec.scale(), bands);
        }
    }

    int bandCount(int plane) {
        return planes[plane].bandCount();
    }

    @Override
    public StreamSpec spec() {
        return spec;
    }

    @Override
    public void push(VideoFrame input, FrameSink sink) {
        spec.requireFrame(input);
        sink.frameReady(output -> upscale(input, output));
    }

    private void upscale(VideoFrame input, VideoFrame output) {
        if (output.width() != spec.outputWidth() || output.height() != spec.outputHeight()) {
            throw new IllegalArgumentException("output frame is " + output.width() + "x" + output.height()
                    + ", expected " + spec.outputWidth() + "x" + spec.outputHeight());
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>();
        for (int p = 0; p < planes.length; p++) {
            PlaneResampler plane = planes[p];
            int index = p;
            for (int band = 1; band < plane.bandCount(); band++) {
                int b = band;
                tasks.add(pool.submit(() -> plane.resampleBand(b, input.plane(index), input.stride(index),
                        output.plane(index), output.stride(index))));
            }
            plane.resampleBand(0, input.plane(p), input.stride(p), output.plane(p), output.stride(p));
        }
        tasks.forEach(ForkJoinTask::join);
    }

    @Override
    public void drain(FrameSink sink) {
        // Nothing is held.
    }

    @Override
    public void reset() {
        // No streaming state.
    }

    @Override
    public int latencyFrames() {
        return 0;
    }

    @Override
    public int heldFrames() {
        return 0;
    }

    @Override
    public void close() {
        // Scratch memory goes with the object; the pool is shared.
    }
}
