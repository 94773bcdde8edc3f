package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameMemory;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaEvent;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.cuda.PinnedBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream on one GPU whose frames cross PCIe once each way: the 8-bit frame is packed into pinned
 * memory and uploaded, a subclass queues its work from that 8-bit frame on the GPU to the 8-bit
 * output frame on the GPU ({@link #queueFrame}), and the output is downloaded, all on one stream.
 *
 * <p>Pipelined over two slots: a push queues its frame's work and then hands out the previous
 * frame's output, whose download finished while this frame was being queued, so the host copies
 * of one frame overlap the GPU work of the next. It therefore holds one frame
 * ({@link #latencyFrames()} is 1), which {@link #drain} emits.
 *
 * <p>Frames already in this GPU's memory are read in place (no upload; the subclass's first kernel
 * reads them, and the push waits for it, since the caller's memory is only lent for the call);
 * frames of another GPU are refused. Output frames the sink gives in this GPU's memory are filled
 * on the GPU.
 */
public abstract class PipelinedGpuSession implements StreamingSession {
    private final StreamSpec spec;
    private final CudaDevice device;
    private final PackedFrameLayout inputLayout;
    private final PackedFrameLayout outputLayout;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final CudaStream stream;
    private final Slot[] slots = new Slot[2];
    private int nextSlot;
    /** The slot whose frame was queued and not yet handed out, or null. */
    private Slot pending;
    private boolean closed;

    /** One frame in flight: its staging and device buffers, and the event its download completes. */
    private static final class Slot {
        PinnedBuffer inputStaging;
        DeviceBuffer input;
        DeviceBuffer output;
        PinnedBuffer outputStaging;
        CudaEvent downloaded;
    }

    /** Allocates the stream and both slots; a subclass allocates its own buffers with {@link #own}. */
    protected PipelinedGpuSession(CudaDevice device, StreamSpec spec) throws EngineException {
        this.spec = spec;
        this.device = device;
        inputLayout = new PackedFrameLayout(spec.format(), spec.width(), spec.height());
        outputLayout = new PackedFrameLayout(spec.format(), spec.outputWidth(), spec.outputHeight());
        try {
            stream = own(device.newStream());
            for (int i = 0; i < slots.length; i++) {
                Slot slot = new Slot();
                slot.inputStaging = own(device.pinned(inputLayout.bytes()));
                slot.input = own(device.allocate(inputLayout.bytes()));
                slot.output = own(device.allocate(outputLayout.bytes()));
                slot.outputStaging = own(device.pinned(outputLayout.bytes()));
                slots[i] = slot;
            }
        } catch (EngineException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Queues on {@code stream} the work from {@code input} (8-bit, in this GPU's memory) to
     * {@code output} (8-bit, in this GPU's memory, the output size).
     */
    protected abstract void queueFrame(CudaStream stream, VideoFrame input, VideoFrame output) throws EngineException;

    /** Drops the subclass's streaming state (the stream is idle when called). */
    protected abstract void resetState() throws EngineException;

    /** Releases {@code resource} when the session closes, after the stream, in reverse order. */
    protected final <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    protected final CudaDevice device() {
        return device;
    }

    /** The session's stream, for work a subclass queues outside {@link #queueFrame} (state resets). */
    protected final CudaStream stream() {
        return stream;
    }

    @Override
    public StreamSpec spec() {
        return spec;
    }

    @Override
    public void push(VideoFrame input, FrameSink sink) throws EngineException {
        checkOpen();
        spec.requireShape(input);
        Slot slot = slots[nextSlot];
        nextSlot = (nextSlot + 1) % slots.length;
        VideoFrame output = outputLayout.onDevice(slot.output);
        if (input.memory() instanceof FrameMemory.Device onGpu) {
            if (onGpu.deviceId() != device.id()) {
                throw new IllegalArgumentException("session on CUDA device " + device.id() + " got a frame in the memory"
                        + " of CUDA device " + onGpu.deviceId());
            }
            queueFrame(stream, input, output);
            // the caller's memory is valid only during this call: the queued work must have read it
            try (CudaEvent done = stream.record()) {
                done.synchronize();
            }
        } else {
            inputLayout.pack(input, slot.inputStaging.buffer());
            stream.upload(slot.inputStaging, slot.input, inputLayout.bytes());
            queueFrame(stream, inputLayout.onDevice(slot.input), output);
        }
        stream.download(slot.output, slot.outputStaging, outputLayout.bytes());
        slot.downloaded = stream.record();
        Slot previous = pending;
        pending = slot;
        if (previous != null) {
            handOut(previous, sink);
        }
    }

    @Override
    public void drain(FrameSink sink) throws EngineException {
        checkOpen();
        Slot last = pending;
        pending = null;
        if (last != null) {
            handOut(last, sink);
        }
    }

    private void handOut(Slot slot, FrameSink sink) throws CudaException {
        try (CudaEvent downloaded = slot.downloaded) {
            slot.downloaded = null;
            downloaded.synchronize();
        }
        CudaException[] failure = new CudaException[1];
        sink.frameReady(destination -> {
            try {
                write(slot, destination);
            } catch (CudaException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** Puts a finished output into the sink's frame: from the host staging, or on the GPU for a GPU frame. */
    private void write(Slot slot, VideoFrame destination) throws CudaException {
        if (destination.width() != spec.outputWidth() || destination.height() != spec.outputHeight()
                || destination.format() != spec.format()) {
            throw new IllegalArgumentException("output frame is " + destination.width() + "x" + destination.height()
                    + " " + destination.format() + ", expected " + spec.outputWidth() + "x" + spec.outputHeight() + " "
                    + spec.format());
        }
        if (!(destination.memory() instanceof FrameMemory.Device onGpu)) {
            outputLayout.unpack(slot.outputStaging.buffer(), destination);
            return;
        }
        if (onGpu.deviceId() != device.id()) {
            throw new IllegalArgumentException("session on CUDA device " + device.id() + " was given an output frame"
                    + " in the memory of CUDA device " + onGpu.deviceId());
        }
        for (int p = 0; p < spec.format().planeCount(); p++) {
            for (int y = 0; y < outputLayout.rows(p); y++) {
                stream.copyOut(slot.output, outputLayout.offset(p) + (long) y * outputLayout.stride(p),
                        onGpu.address(p) + (long) y * destination.stride(p), outputLayout.stride(p));
            }
        }
        stream.synchronize();
    }

    @Override
    public void reset() {
        if (closed) {
            return;
        }
        try {
            stream.synchronize();
            forgetQueuedFrames();
            resetState();
        } catch (EngineException e) {
            throw new IllegalStateException("the GPU failed while the session was reset: " + e.getMessage(), e);
        }
        pending = null;
    }

    private void forgetQueuedFrames() throws CudaException {
        for (Slot slot : slots) {
            if (slot != null && slot.downloaded != null) {
                CudaEvent event = slot.downloaded;
                slot.downloaded = null;
                event.close();
            }
        }
    }

    @Override
    public int latencyFrames() {
        return 1;
    }

    @Override
    public int heldFrames() {
        return pending == null ? 0 : 1;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the session on CUDA device " + device.id() + " is closed");
        }
    }

    /** Frees events, then everything owned, newest first (the stream waits for its work as it closes). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            forgetQueuedFrames();
        } catch (CudaException e) {
            // a failed GPU: the device's own close reports it; the buffers below are still released
        }
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // as above
            }
        }
    }
}
