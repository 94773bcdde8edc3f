package dev.flashvsr.engine;

/**
 * Settings that choose how a model runs, independent of the stream.
 *
 * @param tileSize    input tile edge in pixels; 0 processes whole frames
 * @param tileOverlap input pixels shared by neighbouring tiles
 * @param diffusion   settings that only diffusion models (FlashVSR) use
 */
public record SessionOptions(Backend backend, int deviceId, int tileSize, int tileOverlap,
        DiffusionOptions diffusion) {

    public static final SessionOptions DEFAULT = new SessionOptions(Backend.AUTO, 0, 0, 0);

    public SessionOptions(Backend backend, int deviceId, int tileSize, int tileOverlap) {
        this(backend, deviceId, tileSize, tileOverlap, DiffusionOptions.DEFAULT);
    }

    public SessionOptions {
        if (diffusion == null) {
            throw new IllegalArgumentException("diffusion options must not be null");
        }
        if (deviceId < 0 || tileSize < 0 || tileOverlap < 0) {
            throw new IllegalArgumentException("device id, tile size and overlap must not be negative");
        }
        if (tileSize > 0 && tileOverlap * 2 >= tileSize) {
            throw new IllegalArgumentException(
                    "tile-overlap " + tileOverlap + " must be less than half of tile-size " + tileSize);
        }
    }

    /** The same options with other tile settings (for example tiles chosen to fit a memory budget). */
    public SessionOptions withTiles(int tileSize, int tileOverlap) {
        return new SessionOptions(backend, deviceId, tileSize, tileOverlap, diffusion);
    }
}
