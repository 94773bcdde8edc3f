package dev.flashvsr.engine.flashvsr.graph;

import java.util.List;

/**
 * The TCDecoder settings that its weight shapes do not give (config.json {@code tcdecoder}):
 * the conditioning video's PixelShuffle3d factors (frames, rows, columns), which of the two
 * temporal growths double the frame rate, which of the three spatial upsamplings double the
 * size, and how many leading frames the first call of a stream drops.
 */
public record TcDecoderParams(List<Integer> condPixelShuffle, List<Boolean> timeUpscale, List<Boolean> spaceUpscale,
        int framesToTrim) {

    /** Upstream's values (FlashVSR v1.1 {@code build_tcdecoder}). */
    public static final TcDecoderParams UPSTREAM = new TcDecoderParams(List.of(4, 8, 8), List.of(true, true),
            List.of(true, true, true), 3);

    /** Colour channels of the conditioning video. */
    public static final int COND_IMAGE_CHANNELS = 3;

    public TcDecoderParams {
        if (condPixelShuffle == null || condPixelShuffle.size() != 3
                || condPixelShuffle.stream().anyMatch(v -> v == null || v < 1)) {
            throw new IllegalArgumentException("TCDecoder cond_pixel_shuffle_f_h_w must be 3 positive integers, got "
                    + condPixelShuffle);
        }
        if (timeUpscale == null || timeUpscale.size() != 2 || spaceUpscale == null || spaceUpscale.size() != 3) {
            throw new IllegalArgumentException("TCDecoder time_upscale needs 2 and space_upscale 3 flags, got "
                    + timeUpscale + " and " + spaceUpscale);
        }
        condPixelShuffle = List.copyOf(condPixelShuffle);
        timeUpscale = List.copyOf(timeUpscale);
        spaceUpscale = List.copyOf(spaceUpscale);
        int framesPerLatent = doublings(timeUpscale);
        int spaceFactor = doublings(spaceUpscale);
        if (condPixelShuffle.get(0) != framesPerLatent) {
            throw new IllegalArgumentException("TCDecoder cond pixel shuffle groups " + condPixelShuffle.get(0)
                    + " frames, but the time upscale " + timeUpscale + " makes " + framesPerLatent
                    + " frames per latent");
        }
        if (condPixelShuffle.get(1) != spaceFactor || condPixelShuffle.get(2) != spaceFactor) {
            throw new IllegalArgumentException("TCDecoder cond pixel shuffle " + condPixelShuffle
                    + " must match the spatial upscale x" + spaceFactor + " of " + spaceUpscale);
        }
        if (framesToTrim < 0 || framesToTrim >= framesPerLatent) {
            throw new IllegalArgumentException("TCDecoder frames_to_trim must be in [0, " + framesPerLatent
                    + "), got " + framesToTrim);
        }
    }

    /** Output frames per latent frame (4 upstream). */
    public int framesPerLatent() {
        return doublings(timeUpscale);
    }

    /** Conditioning channels after the pixel shuffle (768 upstream). */
    public int condChannels() {
        return COND_IMAGE_CHANNELS * condPixelShuffle.get(0) * condPixelShuffle.get(1) * condPixelShuffle.get(2);
    }

    /** Output pixels per latent pixel along each axis (8 upstream). */
    public int spaceFactor() {
        return doublings(spaceUpscale);
    }

    /** 2 to the number of true flags. */
    private static int doublings(List<Boolean> flags) {
        return 1 << flags.stream().filter(b -> b).count();
    }
}
