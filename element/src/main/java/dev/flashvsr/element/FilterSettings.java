package dev.flashvsr.element;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.Precision;

/**
 * The element's writable properties as plain values, set one at a time from any thread. A start
 * (READY to PAUSED) takes one {@link #snapshot()}: changes take effect at the next start. {@code qos}
 * is the exception: it applies from the next frame, in any state. Guarded by this object's lock,
 * so a snapshot never mixes values from before and after another thread's change.
 */
public final class FilterSettings {
    public static final int DEFAULT_SCALE = 4;
    public static final int MAX_DEVICE_ID = 63;
    public static final int MAX_TILE_SIZE = 16384;
    public static final int MAX_TILE_OVERLAP = 1024;
    /** Largest {@code max-memory} in MiB (16 TiB); bytes must fit a long. */
    public static final long MAX_MEMORY_MIB = 1L << 24;

    private int scale = DEFAULT_SCALE;
    private String model = Models.DEFAULT;
    private Backend backend = Backend.AUTO;
    private Precision precision = Precision.AUTO;
    private int deviceId;
    private int tileSize;
    private int tileOverlap;
    private long maxMemoryMib;
    private DiffusionOptions.ColorFix colorFix = DiffusionOptions.DEFAULT.colorFix();
    private boolean upstreamReference;
    private long seed;
    private String noiseFile = "";
    private String engineCache = "";
    private String engineSizes = "";
    private boolean cudaGraphs = true;
    /** Read for every frame and not part of the snapshot: volatile instead of the lock. */
    private volatile boolean qos = true;

    public synchronized int scale() {
        return scale;
    }

    public synchronized void setScale(int scale) {
        if (scale != 2 && scale != 4) {
            throw new IllegalArgumentException("scale must be 2 or 4, got " + scale);
        }
        this.scale = scale;
    }

    public synchronized String model() {
        return model;
    }

    /** A null or empty name selects the default model. */
    public synchronized void setModel(String model) {
        this.model = model == null || model.isBlank() ? Models.DEFAULT : model;
    }

    public synchronized Backend backend() {
        return backend;
    }

    public synchronized void setBackend(Backend backend) {
        this.backend = backend;
    }

    public synchronized Precision precision() {
        return precision;
    }

    public synchronized void setPrecision(Precision precision) {
        this.precision = precision;
    }

    public synchronized int deviceId() {
        return deviceId;
    }

    public synchronized void setDeviceId(int deviceId) {
        this.deviceId = deviceId;
    }

    public synchronized int tileSize() {
        return tileSize;
    }

    public synchronized void setTileSize(int tileSize) {
        this.tileSize = tileSize;
    }

    public synchronized int tileOverlap() {
        return tileOverlap;
    }

    public synchronized void setTileOverlap(int tileOverlap) {
        this.tileOverlap = tileOverlap;
    }

    /** The memory budget of a session in MiB; 0 = automatic (derived from the machine when a session opens). */
    public synchronized long maxMemoryMib() {
        return maxMemoryMib;
    }

    public synchronized void setMaxMemoryMib(long maxMemoryMib) {
        if (maxMemoryMib < 0 || maxMemoryMib > MAX_MEMORY_MIB) {
            throw new IllegalArgumentException("max-memory must be 0 (automatic) to " + MAX_MEMORY_MIB + " MiB, got "
                    + maxMemoryMib);
        }
        this.maxMemoryMib = maxMemoryMib;
    }

    public synchronized DiffusionOptions.ColorFix colorFix() {
        return colorFix;
    }

    public synchronized void setColorFix(DiffusionOptions.ColorFix colorFix) {
        this.colorFix = colorFix;
    }

    public synchronized boolean upstreamReference() {
        return upstreamReference;
    }

    public synchronized void setUpstreamReference(boolean upstreamReference) {
        this.upstreamReference = upstreamReference;
    }

    public synchronized long seed() {
        return seed;
    }

    public synchronized void setSeed(long seed) {
        this.seed = seed;
    }

    public synchronized String noiseFile() {
        return noiseFile;
    }

    /** A null or empty path means generated noise. */
    public synchronized void setNoiseFile(String noiseFile) {
        this.noiseFile = noiseFile == null ? "" : noiseFile;
    }

    public synchronized String engineCache() {
        return engineCache;
    }

    /** A null or empty folder means the tensorrt backend's default. */
    public synchronized void setEngineCache(String engineCache) {
        this.engineCache = engineCache == null ? "" : engineCache;
    }

    public synchronized String engineSizes() {
        return engineSizes;
    }

    /** A null or empty range means engines for each stream's exact size; checked at start. */
    public synchronized void setEngineSizes(String engineSizes) {
        this.engineSizes = engineSizes == null ? "" : engineSizes;
    }

    public synchronized boolean cudaGraphs() {
        return cudaGraphs;
    }

    public synchronized void setCudaGraphs(boolean cudaGraphs) {
        this.cudaGraphs = cudaGraphs;
    }

    public boolean qos() {
        return qos;
    }

    public void setQos(boolean qos) {
        this.qos = qos;
    }

    /** The start-time settings as they are now. */
    public synchronized ElementSettings snapshot() {
        return new ElementSettings(scale, model, backend, precision, deviceId, tileSize, tileOverlap, maxMemoryMib,
                colorFix, upstreamReference, seed, noiseFile, engineCache, engineSizes,
                cudaGraphs);
    }
}
