package dev.flashvsr.element;

import dev.flashvsr.engine.DiffusionOptions;
import java.nio.file.Path;
import java.util.Optional;
import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.SessionOptions;

/**
 * The element's writable properties as plain values. Changing them takes effect at the next
 * start (READY to PAUSED); GStreamer only lets them change in NULL or READY. {@code qos} is the
 * exception: it applies from the next frame, in any state.
 */
public final class FilterSettings {
    public static final int DEFAULT_SCALE = 4;
    public static final int MAX_DEVICE_ID = 63;
    public static final int MAX_TILE_SIZE = 16384;
    public static final int MAX_TILE_OVERLAP = 1024;
    /** Largest {@code max-memory} in MiB (16 TiB); bytes must fit a long. */
    public static final long MAX_MEMORY_MIB = 1L << 24;

    private volatile int scale = DEFAULT_SCALE;
    private volatile String model = Models.DEFAULT;
    private volatile Backend backend = Backend.AUTO;
    private volatile int deviceId;
    private volatile int tileSize;
    private volatile int tileOverlap;
    private volatile long maxMemoryMib;
    private volatile DiffusionOptions.ColorFix colorFix = DiffusionOptions.DEFAULT.colorFix();
    private volatile boolean upstreamReference;
    private volatile long seed;
    private volatile String noiseFile = "";
    private volatile boolean qos = true;

    public int scale() {
        return scale;
    }

    public void setScale(int scale) {
        if (scale != 2 && scale != 4) {
            throw new IllegalArgumentException("scale must be 2 or 4, got " + scale);
        }
        this.scale = scale;
    }

    public String model() {
        return model;
    }

    /** A null or empty name selects the default model. */
    public void setModel(String model) {
        this.model = model == null || model.isBlank() ? Models.DEFAULT : model;
    }

    public Backend backend() {
        return backend;
    }

    public void setBackend(Backend backend) {
        this.backend = backend;
    }

    public int deviceId() {
        return deviceId;
    }

    public void setDeviceId(int deviceId) {
        this.deviceId = deviceId;
    }

    public int tileSize() {
        return tileSize;
    }

    public void setTileSize(int tileSize) {
        this.tileSize = tileSize;
    }

    public int tileOverlap() {
        return tileOverlap;
    }

    public void setTileOverlap(int tileOverlap) {
        this.tileOverlap = tileOverlap;
    }

    /** The memory budget of a session in MiB; 0 = automatic (derived from the machine when a session opens). */
    public long maxMemoryMib() {
        return maxMemoryMib;
    }

    public void setMaxMemoryMib(long maxMemoryMib) {
        if (maxMemoryMib < 0 || maxMemoryMib > MAX_MEMORY_MIB) {
            throw new IllegalArgumentException("max-memory must be 0 (automatic) to " + MAX_MEMORY_MIB + " MiB, got "
                    + maxMemoryMib);
        }
        this.maxMemoryMib = maxMemoryMib;
    }

    public DiffusionOptions.ColorFix colorFix() {
        return colorFix;
    }

    public void setColorFix(DiffusionOptions.ColorFix colorFix) {
        this.colorFix = colorFix;
    }

    public boolean upstreamReference() {
        return upstreamReference;
    }

    public void setUpstreamReference(boolean upstreamReference) {
        this.upstreamReference = upstreamReference;
    }

    public long seed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }

    public String noiseFile() {
        return noiseFile;
    }

    /** A null or empty path means generated noise. */
    public void setNoiseFile(String noiseFile) {
        this.noiseFile = noiseFile == null ? "" : noiseFile;
    }

    public boolean qos() {
        return qos;
    }

    public void setQos(boolean qos) {
        this.qos = qos;
    }

    /** The session options these settings describe; fails when tile settings contradict each other. */
    public SessionOptions sessionOptions() {
        Optional<Path> noise = noiseFile.isBlank() ? Optional.empty() : Optional.of(Path.of(noiseFile));
        return new SessionOptions(backend, deviceId, tileSize, tileOverlap,
                new DiffusionOptions(colorFix, upstreamReference, seed, noise));
    }
}
