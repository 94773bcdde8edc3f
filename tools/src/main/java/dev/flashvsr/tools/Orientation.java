package dev.flashvsr.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * How a video is to be turned for display, as demuxers give it in the {@code image-orientation}
 * tag (qtdemux reads it from the track matrix): a rotation, possibly of the mirrored picture.
 * mp4mux and qtmux 1.22 receive the tag but write an identity matrix, so MP4 and QuickTime outputs
 * get the matrix written after muxing ({@link #writeTo}); Matroska has no such field, so for it the
 * pixels are turned instead (videoflip, see {@link OutputMetadata#uprightPixels()}).
 */
enum Orientation {
    ROTATE_0("rotate-0", 1, 0, 0, 1),
    ROTATE_90("rotate-90", 0, 1, -1, 0),
    ROTATE_180("rotate-180", -1, 0, 0, -1),
    ROTATE_270("rotate-270", 0, -1, 1, 0),
    FLIP_ROTATE_0("flip-rotate-0", -1, 0, 0, 1),
    FLIP_ROTATE_90("flip-rotate-90", 0, -1, -1, 0),
    FLIP_ROTATE_180("flip-rotate-180", 1, 0, 0, -1),
    FLIP_ROTATE_270("flip-rotate-270", 0, 1, 1, 0);

    /** videoflip's video-direction that follows the image-orientation tag. */
    static final String AUTOMATIC = "auto";
    private static final int ONE = 0x10000;
    /** The matrix's bottom-right value, 1.0 in 2.30 fixed point. */
    private static final int W = 0x4000_0000;

    private final String tag;
    /** The matrix's top-left 2x2 part, a b / c d, each -1, 0 or 1. */
    private final int a;
    private final int b;
    private final int c;
    private final int d;

    Orientation(String tag, int a, int b, int c, int d) {
        this.tag = tag;
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
    }

    /** The orientation an {@code image-orientation} value names, or null for a value GStreamer does not define. */
    static Orientation ofTag(String tag) {
        for (Orientation o : values()) {
            if (o.tag.equals(tag)) {
                return o;
            }
        }
        return null;
    }

    String tag() {
        return tag;
    }

    /**
     * Writes this orientation into the matrix of the movie's video track, translated (by the
     * track's width or height) so that the turned picture keeps to positive coordinates.
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
        // A point (x, y) goes to (a x + c y + tx, b x + d y + ty).
        int tx = (a < 0 ? width : 0) + (c < 0 ? height : 0);
        int ty = (b < 0 ? width : 0) + (d < 0 ? height : 0);
        ByteBuffer matrix = ByteBuffer.allocate(36).putInt(a * ONE).putInt(b * ONE).putInt(0)
                .putInt(c * ONE).putInt(d * ONE).putInt(0).putInt(tx).putInt(ty).putInt(W);
        movie.write(matrixAt, matrix.flip());
    }
}
