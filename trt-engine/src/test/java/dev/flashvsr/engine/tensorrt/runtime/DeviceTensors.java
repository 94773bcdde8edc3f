package dev.flashvsr.engine.tensorrt.runtime;

import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.cuda.PinnedBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** An emulated GPU (HostCuda) with a stream, and uploads and downloads of tensors through pinned memory. */
final class DeviceTensors implements AutoCloseable {
    private final HostCuda gpu;
    private final CudaDevice device;
    private final CudaStream stream;
    private final List<DeviceBuffer> buffers = new ArrayList<>();

    DeviceTensors() throws CudaException {
        gpu = HostCuda.oneGpu();
        device = CudaDevice.open(gpu.availability().driver(), 0);
        stream = device.newStream();
    }

    long stream() {
        return stream.handle();
    }

    /** A zeroed device buffer of {@code bytes}, freed on close. */
    DeviceBuffer allocate(long bytes) throws CudaException {
        DeviceBuffer buffer = device.allocate(bytes);
        stream.fill(buffer, 0, bytes, 0);
        buffers.add(buffer);
        return buffer;
    }

    /** A device buffer holding {@code bytes} (position to limit). */
    DeviceBuffer upload(ByteBuffer bytes) throws CudaException {
        DeviceBuffer buffer = allocate(bytes.remaining());
        try (PinnedBuffer staging = device.pinned(bytes.remaining())) {
            staging.buffer().put(bytes.duplicate());
            stream.upload(staging, buffer, buffer.bytes());
            stream.synchronize();
        }
        return buffer;
    }

    /** The buffer's bytes, in native order. */
    ByteBuffer download(DeviceBuffer buffer) throws CudaException {
        try (PinnedBuffer staging = device.pinned(buffer.bytes())) {
            stream.download(buffer, staging, buffer.bytes());
            stream.synchronize();
            ByteBuffer copy = ByteBuffer.allocate(Math.toIntExact(buffer.bytes())).order(ByteOrder.nativeOrder());
            copy.put(staging.buffer());
            return copy.flip();
        }
    }

    @Override
    public void close() throws CudaException {
        for (DeviceBuffer buffer : buffers) {
            buffer.close();
        }
        stream.close();
        device.close();
        if (!gpu.live().isEmpty()) {
            throw new IllegalStateException("device resources left: " + gpu.live());
        }
    }
}
