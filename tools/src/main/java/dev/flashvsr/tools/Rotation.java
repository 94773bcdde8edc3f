package dev.flashvsr.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A video's rotation, as demuxers give it in the {@code image-orientation} tag (qtdemux reads it
 * from the track matrix). mp4mux and qtmux 1.22 receive the tag but write an identity matrix, so
 * MP4 and QuickTime outputs get the matrix written after muxing ({@link #writeTo}); Matroska has
 * no rotation field, so for it the pixels are turned upright instead (videoflip, see
 * {@link UpscalePipeline}).
 */
enum Rotation {
    NONE("rotate-0", 1, 0),
    CLOCKWISE_90("rotate-90", 0, 1),
    HALF_TURN("rotate-180", -1, 0),
    CLOCKWISE_270("rotate-270", 0, -1);

    /** videoflip's video-direction that follows the image-orientation tag. */
    static final String AUTOMATIC = "auto";
    private static final int ONE = 0x10000;
    /** The matrix's bottom-right value, 1.0 in 2.30 fixed point. */
    private static final int W = 0x4000_0000;

    private final String tag;
    /** cos and sin of the angle: the matrix's a = d = cos, b = -c = sin. */
    private final int cos;
    private final int sin;

    Rotation(String tag, int cos, int sin) {
        this.tag = tag;
        this.cos = cos;
        this.sin = sin;
    }

    /** The rotation an {@code image-orientation} value names, or null for the mirrored ones (flip-rotate-N). */
    static Rotation ofTag(String tag) {
        for (Rotation r : values()) {
            if (r.tag.equals(tag)) {
                return r;
            }
        }
        return null;
    }

    String tag() {
        return tag;
    }

    /** "90°". */
    String degrees() {
        return ordinal() * 90 + "°";
    }

    /**
     * Writes this rotation into the matrix of the movie's video track, translated (by the track's
     * width or height) so that the turned picture keeps to positive coordinates, as players expect.
     */
    void writeTo(Mp4Movie movie) throws IOException {
        List<Mp4Movie.Track> video = movie.tracks().stream().filter(t -> "vide".equals(t.handler())).toList();
        if (video.size() != 1) {
            throw new Mp4Movie.Unreadable(video.size() + " video tracks, where one was written");
        }
        Mp4Movie.Header tkhd = video.get(0).tkhd();
        // After version and flags, the times, track id, reserved and duration (20 or 32 bytes), 16 more.
        long matrixAt = tkhd.body() + 4 + (tkhd.version() == 1 ? 32 : 20) + 16;
        ByteBuffer size = movie.read(matrixAt + 36, 8);
        int width = size.getInt(0);
        int height = size.getInt(4);
        int x = (cos < 0 ? width : 0) + (sin > 0 ? height : 0);
        int y = (cos < 0 ? height : 0) + (sin < 0 ? width : 0);
        ByteBuffer matrix = ByteBuffer.allocate(36).putInt(cos * ONE).putInt(sin * ONE).putInt(0)
                .putInt(-sin * ONE).putInt(cos * ONE).putInt(0).putInt(x).putInt(y).putInt(W);
        movie.write(matrixAt, matrix.flip());
    }
}
