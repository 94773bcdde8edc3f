package dev.flashvsr.engine.cuda;

/**
 * Work captured from a {@link CudaStream} ({@link CudaStream#capture}), instantiated once and
 * launched as one unit: the same kernels, copies and addresses each time, with one launch's CPU
 * cost instead of one per operation. Owned by its {@link CudaDevice}, which destroys it on close
 * if the caller has not.
 */
public final class CudaGraph extends DeviceResource {
    private final long graph;
    private final long exec;

    CudaGraph(CudaDevice device, long graph, long exec) {
        super(device);
        this.graph = graph;
        this.exec = exec;
    }

    /** Queues the captured work on {@code stream}. */
    public void launch(CudaStream stream) throws CudaException {
        checkOpen();
        if (stream.device != device) {
            throw new IllegalArgumentException("a graph of GPU " + deviceId() + " launched on a stream of GPU "
                    + stream.deviceId());
        }
        device.boundDriver().graphLaunch(exec, stream.handle());
    }

    @Override
    void release() throws CudaException {
        device.destroyGraph(this);
    }

    /** Destroys the executable graph, then the graph. */
    void destroy(CudaDriver driver) throws CudaException {
        try {
            driver.graphExecDestroy(exec);
        } finally {
            driver.graphDestroy(graph);
        }
    }

    @Override
    public String toString() {
        return "CudaGraph of GPU " + deviceId();
    }
}
