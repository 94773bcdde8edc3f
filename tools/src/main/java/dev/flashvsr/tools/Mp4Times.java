package dev.flashvsr.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets the creation and modification times that mp4mux stamps into the movie, track and media
 * headers (mvhd, tkhd, mdhd): GStreamer 1.22's muxer always writes the time of writing. The
 * fields count seconds since 1904-01-01 UTC, 32-bit in version-0 boxes and 64-bit in version 1.
 */
final class Mp4Times {
    /** Seconds from 1904-01-01 to 1970-01-01 (UTC). */
    private static final long EPOCH_1904 = 2_082_844_800L;

    private Mp4Times() {
    }

    /**
     * Zeroes the times (the format's "not set"), so that encoding the same frames twice gives the
     * same bytes; a damaged file is left alone. Returns how many header boxes were changed.
     */
    static int clear(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return set(Mp4Movie.read(channel), 0);
        } catch (Mp4Movie.Unreadable damaged) {
            return 0;
        }
    }

    /** Writes {@code when} into every header; throws {@link Mp4Movie.Unreadable} when a field cannot hold it. */
    static int set(Mp4Movie movie, Instant when) throws IOException {
        return set(movie, when.getEpochSecond() + EPOCH_1904);
    }

    /** Throws {@link Mp4Movie.Unreadable} when a time field of the movie cannot hold {@code when}. */
    static void check(Mp4Movie movie, Instant when) throws Mp4Movie.Unreadable {
        check(headers(movie), when.getEpochSecond() + EPOCH_1904);
    }

    private static int set(Mp4Movie movie, long since1904) throws IOException {
        List<Mp4Movie.Header> headers = headers(movie);
        // Every box is checked before any is written: the times are changed in all or in none.
        check(headers, since1904);
        for (Mp4Movie.Header header : headers) {
            ByteBuffer times = header.version() == 1 ? ByteBuffer.allocate(16).putLong(since1904).putLong(since1904)
                    : ByteBuffer.allocate(8).putInt((int) since1904).putInt((int) since1904);
            movie.write(header.times(), times.flip());
        }
        return headers.size();
    }

    private static void check(List<Mp4Movie.Header> headers, long since1904) throws Mp4Movie.Unreadable {
        if (since1904 < 0 || since1904 > 0xffff_ffffL && headers.stream().anyMatch(h -> h.version() == 0)) {
            throw new Mp4Movie.Unreadable("the time " + Instant.ofEpochSecond(since1904 - EPOCH_1904)
                    + " does not fit the file's 32-bit time fields (1904 to 2040)");
        }
    }

    private static List<Mp4Movie.Header> headers(Mp4Movie movie) {
        List<Mp4Movie.Header> headers = new ArrayList<>(List.of(movie.mvhd()));
        for (Mp4Movie.Track track : movie.tracks()) {
            headers.add(track.tkhd());
            headers.add(track.mdhd());
        }
        return headers;
    }
}
