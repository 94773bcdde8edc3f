package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameMemory;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.cuda.PinnedBuffer;
import dev.flashvsr.engine.flashvsr.FrameStore;
import dev.flashvsr.engine.flashvsr.FrameTensor;
import dev.flashvsr.engine.gpu.ColorFixKernels;
import dev.flashvsr.engine.gpu.FrameKernels;
import dev.flashvsr.engine.gpu.PackedFrameLayout;
import dev.flashvsr.engine.gpu.PlanarImage;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;

/**
 * A FlashVSR session's frames on the GPU, from one 8-bit upload per input frame to one 8-bit
 * download per output frame, on the graphs' CUDA stream: the input is converted to planar float
 * ({@link FrameKernels#toPlanar}), upscaled ({@link FrameKernels#bicubic}) and padded to the model
 * size mapped to [-1, 1] ({@link FrameKernels#pad}), and held as a device frame; the projector's
 * videos and the decoder's conditioning are stacked from held frames by device copies; each of the
 * decoder's frames is, as it is emitted, mapped to [-1, 1], colour-fixed ({@link ColorFixKernels}),
 * cropped back to [0, 1] and converted to the session's 8-bit format. The kernels compute in FP32 what the CPU
 * path computes, so the output stays within a level of the CPU backend's.
 */
final class DeviceFrameStore implements FrameStore {
    private final CudaDevice device;
    private final CudaStream stream;
    private final Staging staging;
    private final StreamSpec spec;
    private final int modelWidth;
    private final int modelHeight;
    private final long frameBytes;
    private final long planeBytes;
    private final PackedFrameLayout inputLayout;
    private final PackedFrameLayout outputLayout;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final FrameKernels kernels;
    private final ColorFixKernels colorFix;
    private final DeviceBuffer input;
    private final DeviceBuffer output;
    private final PlanarImage lowRes;
    /** The upscaled input frame, and later the cropped output frame (each used within one queued step). */
    private final PlanarImage scaled;
    private final TreeMap<Integer, DeviceBuffer> held = new TreeMap<>();
    /** Model-sized frame buffers no frame holds; reused in stream order, so never freed while queued work reads them. */
    private final Deque<DeviceBuffer> free = new ArrayDeque<>();
    /** One output frame at a time: the decoded frame mapped to [-1, 1] and colour-fixed. */
    private final PlanarImage work;
    /** The last chunk's decoded frames (the decoder's output buffer), its first output and first input. */
    private FrameTensor.Device decoded;
    private int skip;
    private int firstInput;
    /**
     * The last stacked video. One buffer serves every stack: each graph run that reads it is queued
     * before the next stack's copies overwrite it, on the same stream.
     */
    private DeviceBuffer stacked;

    DeviceFrameStore(CudaDevice device, CudaStream stream, Staging staging, StreamSpec spec, int modelWidth,
            int modelHeight, DiffusionOptions.ColorFix method) throws EngineException {
        this.device = device;
        this.stream = stream;
        this.staging = staging;
        this.spec = spec;
        this.modelWidth = modelWidth;
        this.modelHeight = modelHeight;
        frameBytes = PlanarImage.bytes(modelWidth, modelHeight, false);
        planeBytes = frameBytes / PlanarImage.CHANNELS;
        inputLayout = new PackedFrameLayout(spec.format(), spec.width(), spec.height());
        outputLayout = new PackedFrameLayout(spec.format(), spec.outputWidth(), spec.outputHeight());
        try {
            kernels = own(new FrameKernels(device.kernels(), spec.colorimetry()));
            colorFix = own(new ColorFixKernels(device, method, modelWidth, modelHeight));
            input = allocate(inputLayout.bytes());
            output = allocate(outputLayout.bytes());
            lowRes = planar(spec.width(), spec.height());
            scaled = planar(spec.outputWidth(), spec.outputHeight());
            work = planar(modelWidth, modelHeight);
        } catch (EngineException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    private DeviceBuffer allocate(long bytes) throws CudaException {
        return own(device.allocate(bytes));
    }

    private PlanarImage planar(int width, int height) throws CudaException {
        return PlanarImage.tight(allocate(PlanarImage.bytes(width, height, false)), false, width, height);
    }

    private PlanarImage model(DeviceBuffer frame) {
        return PlanarImage.tight(frame, false, modelWidth, modelHeight);
    }

    @Override
    public void put(int index, VideoFrame frame) throws EngineException {
        if (!(frame.memory() instanceof FrameMemory.Host)) {
            throw new EngineException("FlashVSR on TensorRT takes input frames in host memory, not in GPU memory",
                    "Feed the element frames in system memory");
        }
        PinnedBuffer pinned = staging.buffer("frame upload", inputLayout.bytes());
        inputLayout.pack(frame, pinned.buffer());
        stream.upload(pinned, input, inputLayout.bytes());
        kernels.toPlanar(stream, inputLayout.onDevice(input), lowRes);
        kernels.bicubic(stream, lowRes, scaled, spec.scale());
        DeviceBuffer modelFrame = take();
        kernels.pad(stream, scaled.buffer().address(), false, scaled.width(), scaled.height(), model(modelFrame), 2f,
                -1f);
        held.put(index, modelFrame);
    }

    @Override
    public void repeat(int from, int index) throws EngineException {
        DeviceBuffer copy = take();
        stream.copy(held(from), 0, copy, 0, frameBytes);
        held.put(index, copy);
    }

    /** Only chunk 0 reads a frame back: its projector caches start from frame 0 on the host. */
    @Override
    public float[] hostFrame(int index) throws EngineException {
        PinnedBuffer pinned = staging.buffer("frame download", frameBytes);
        stream.download(held(index), pinned, frameBytes);
        staging.synchronize();
        float[] values = new float[Math.toIntExact(frameBytes / Float.BYTES)];
        FloatBuffer floats = pinned.buffer().asFloatBuffer();
        floats.get(values);
        return values;
    }

    @Override
    public FrameTensor stack(int[] indices) throws EngineException {
        int count = indices.length;
        long bytes = count * frameBytes;
        if (stacked == null || stacked.bytes() < bytes) {
            if (stacked != null) {
                staging.synchronize(); // queued runs may still read it
                owned.remove(stacked);
                stacked.close();
            }
            stacked = allocate(bytes);
        }
        DeviceBuffer video = stacked;
        for (int t = 0; t < count; t++) {
            DeviceBuffer frame = held(indices[t]);
            for (int c = 0; c < PlanarImage.CHANNELS; c++) {
                stream.copy(frame, c * planeBytes, video, ((long) c * count + t) * planeBytes, planeBytes);
            }
        }
        return new FrameTensor.Device(video.address(), bytes, false);
    }

    /** Only checks and remembers the decoded frames: each is finished on the GPU as it is emitted. */
    @Override
    public int finish(FrameTensor decoded, int skip, int firstInput) {
        if (!(decoded instanceof FrameTensor.Device frames)) {
            throw new IllegalArgumentException("the decoder gave its frames on the host, but this stream keeps them "
                    + "on the GPU (a bug: report it)");
        }
        this.decoded = frames;
        this.skip = skip;
        this.firstInput = firstInput;
        return Math.toIntExact(frames.bytes() / decodedFrameBytes()) - skip;
    }

    /**
     * Decoded frame i mapped to [-1, 1] and colour-fixed against its input, cropped back to the
     * output size in [0, 1], converted to 8 bits and downloaded into the sink's frame.
     */
    @Override
    public boolean emit(int i, int index, FrameSink sink) throws EngineException {
        long from = decoded.address() + (skip + i) * decodedFrameBytes();
        kernels.pad(stream, from, decoded.half(), modelWidth, modelHeight, work, 2f, -1f);
        colorFix.apply(stream, work.buffer().address(), held(firstInput + i).address(), work.buffer().address());
        kernels.crop(stream, work, scaled, 1f, 0.5f);
        kernels.fromPlanar(stream, scaled, outputLayout.onDevice(output));
        PinnedBuffer pinned = staging.buffer("output frame download", outputLayout.bytes());
        stream.download(output, pinned, outputLayout.bytes());
        staging.synchronize();
        return sink.frameReady(destination -> outputLayout.unpack(pinned.buffer(), destination));
    }

    private long decodedFrameBytes() {
        return frameBytes / Float.BYTES * (decoded.half() ? 2 : 4);
    }

    @Override
    public void releaseBelow(int index) {
        var released = held.headMap(index);
        free.addAll(released.values());
        released.clear();
    }

    @Override
    public void clear() {
        free.addAll(held.values());
        held.clear();
        decoded = null;
    }

    private DeviceBuffer held(int index) {
        DeviceBuffer frame = held.get(index);
        if (frame == null) {
            throw new IllegalStateException("FlashVSR input frame " + index + " is not held on the GPU (a bug: report "
                    + "it)");
        }
        return frame;
    }

    private DeviceBuffer take() throws CudaException {
        DeviceBuffer frame = free.poll();
        return frame != null ? frame : allocate(frameBytes);
    }

    /** Waits for the stream (queued work may still read these buffers), then frees them. */
    @Override
    public void close() {
        try {
            staging.synchronize();
        } catch (CudaException e) {
            // closing anyway: the device releases what is left when it closes
        }
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                // the device releases what is left when it closes
            }
        }
        owned.clear();
        held.clear();
        free.clear();
        stacked = null;
    }
}
