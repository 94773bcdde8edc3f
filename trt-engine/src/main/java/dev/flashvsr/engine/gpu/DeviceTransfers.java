package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.cuda.PinnedBuffer;
import java.nio.ByteBuffer;

/**
 * Synchronous copies between Java arrays or host frames and GPU buffers, through a pinned staging
 * buffer: what the GPU check needs to compare kernel results with the CPU's. Not for streaming:
 * each call waits for its copy.
 */
final class DeviceTransfers {
    private final CudaDevice device;
    private final CudaStream stream;

    DeviceTransfers(CudaDevice device, CudaStream stream) {
        this.device = device;
        this.stream = stream;
    }

    /** A new GPU buffer holding {@code values} as FP32. */
    DeviceBuffer uploadFloats(float[] values) throws CudaException {
        long bytes = 4L * values.length;
        DeviceBuffer buffer = device.allocate(bytes);
        try (PinnedBuffer staging = device.pinned(bytes)) {
            staging.buffer().asFloatBuffer().put(values);
            stream.upload(staging, buffer, bytes);
            stream.synchronize();
        } catch (CudaException | RuntimeException e) {
            buffer.close();
            throw e;
        }
        return buffer;
    }

    /** The first {@code count} FP32 values of {@code buffer}. */
    float[] downloadFloats(DeviceBuffer buffer, int count) throws CudaException {
        float[] values = new float[count];
        download(buffer, 4L * count).asFloatBuffer().get(values);
        return values;
    }

    /** The first {@code count} FP16 values of {@code buffer}, as bits. */
    short[] downloadHalves(DeviceBuffer buffer, int count) throws CudaException {
        short[] values = new short[count];
        download(buffer, 2L * count).asShortBuffer().get(values);
        return values;
    }

    /** A new GPU buffer holding {@code frame} packed as {@code layout} says. */
    DeviceBuffer uploadFrame(VideoFrame frame, PackedFrameLayout layout) throws CudaException {
        DeviceBuffer buffer = device.allocate(layout.bytes());
        try (PinnedBuffer staging = device.pinned(layout.bytes())) {
            layout.pack(frame, staging.buffer());
            stream.upload(staging, buffer, layout.bytes());
            stream.synchronize();
        } catch (CudaException | RuntimeException e) {
            buffer.close();
            throw e;
        }
        return buffer;
    }

    /** Copies a packed frame from {@code buffer} into the host frame {@code into}. */
    void downloadFrame(DeviceBuffer buffer, PackedFrameLayout layout, VideoFrame into) throws CudaException {
        layout.unpack(download(buffer, layout.bytes()), into);
    }

    private ByteBuffer download(DeviceBuffer buffer, long bytes) throws CudaException {
        try (PinnedBuffer staging = device.pinned(bytes)) {
            stream.download(buffer, staging, bytes);
            stream.synchronize();
            ByteBuffer copy = ByteBuffer.allocate((int) bytes).order(staging.buffer().order());
            copy.put(staging.buffer().limit((int) bytes)).flip();
            return copy;
        }
    }
}
