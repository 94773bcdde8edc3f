package dev.flashvsr.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the header boxes of an MP4 or QuickTime file's movie lie: the movie header (mvhd) and,
 * for each track, its track and media headers (tkhd, mdhd) and handler type, and its user data
 * box (udta), which holds the chapters ({@link Mp4Chapters}). Found by reading
 * box headers only (the movie may be at the start or the end, the media in between is skipped),
 * every size checked against its parent, so that a damaged or unexpected layout is reported
 * instead of being patched.
 */
final class Mp4Movie {
    /**
     * A full box whose fields are patched in place.
     *
     * @param body where its version byte is
     * @param size bytes from {@code body} to the box's end
     */
    record Header(long body, int version, long size) {
        /** Where the creation time is: after the version and flags. */
        long times() {
            return body + 4;
        }
    }

    /** @param handler the media's handler type: "vide" for video, "soun" for audio */
    record Track(Header tkhd, Header mdhd, String handler) {
    }

    /** The file's layout is not one this class patches; the message says what was found. */
    static final class Unreadable extends IOException {
        Unreadable(String message) {
            super(message);
        }
    }

    private final FileChannel file;
    private Box moov;
    private Box udta;
    private Header mvhd;
    private final List<Track> tracks = new ArrayList<>();

    private Mp4Movie(FileChannel file) {
        this.file = file;
    }

    /** Reads the movie's layout; throws {@link Unreadable} when it is damaged or not an MP4 movie. */
    static Mp4Movie read(FileChannel file) throws IOException {
        Mp4Movie movie = new Mp4Movie(file);
        int movies = 0;
        for (Box box : movie.children(0, file.size())) {
            if (box.type.equals("moov")) {
                movies++;
                movie.moov = box;
                movie.readMovie(box);
            }
        }
        if (movies != 1) {
            throw new Unreadable(movies == 0 ? "no movie box (moov)" : movies + " movie boxes (moov)");
        }
        if (movie.mvhd == null) {
            throw new Unreadable("no movie header (mvhd)");
        }
        return movie;
    }

    Header mvhd() {
        return mvhd;
    }

    List<Track> tracks() {
        return tracks;
    }

    Box moov() {
        return moov;
    }

    /** The movie's user data box (moov/udta), or null when it has none. */
    Box udta() {
        return udta;
    }

    long size() throws IOException {
        return file.size();
    }

    /** Cuts the file back to {@code size} bytes, undoing an append. */
    void truncate(long size) throws IOException {
        file.truncate(size);
    }

    private void readMovie(Box moov) throws IOException {
        for (Box box : children(moov.body, moov.end)) {
            if (box.type.equals("mvhd")) {
                mvhd = header(box, 20);
            } else if (box.type.equals("trak")) {
                tracks.add(readTrack(box));
            } else if (box.type.equals("udta")) {
                udta = box;
            }
        }
    }

    private Track readTrack(Box trak) throws IOException {
        Header tkhd = null;
        Header mdhd = null;
        String handler = null;
        for (Box box : children(trak.body, trak.end)) {
            if (box.type.equals("tkhd")) {
                // Up to the matrix and the size: 84 bytes in version 0, 96 in version 1.
                tkhd = header(box, 84);
            } else if (box.type.equals("mdia")) {
                for (Box media : children(box.body, box.end)) {
                    if (media.type.equals("mdhd")) {
                        mdhd = header(media, 20);
                    } else if (media.type.equals("hdlr") && media.end - media.body >= 12) {
                        handler = fourcc(read(media.body + 8, 4), 0);
                    }
                }
            }
        }
        if (tkhd == null || mdhd == null) {
            throw new Unreadable("a track (trak at byte " + trak.start + ") without " + (tkhd == null ? "tkhd" : "mdhd"));
        }
        return new Track(tkhd, mdhd, handler);
    }

    /** A full box of version 0 or 1, at least {@code minSize} bytes long in version 0 (12 more in version 1). */
    private Header header(Box box, int minSize) throws IOException {
        int version = read(box.body, 1).get(0) & 0xff;
        long size = box.end - box.body;
        if (version > 1) {
            throw new Unreadable(box.type + " at byte " + box.start + " has version " + version + " (0 and 1 are known)");
        }
        if (size < minSize + (version == 1 ? 12 : 0)) {
            throw new Unreadable(box.type + " at byte " + box.start + " is too short (" + size + " bytes)");
        }
        return new Header(box.body, version, size);
    }

    /** A box's type and where it starts, where its body starts (after the 8 or 16 header bytes) and where it ends. */
    record Box(String type, long start, long body, long end) {
    }

    /** The boxes from {@code from} to {@code to}, which they must fill exactly. */
    List<Box> children(long from, long to) throws IOException {
        List<Box> boxes = new ArrayList<>();
        long pos = from;
        while (pos < to) {
            if (to - pos < 8) {
                throw new Unreadable(to - pos + " stray bytes at byte " + pos);
            }
            ByteBuffer head = read(pos, (int) Math.min(16, to - pos));
            long size = Integer.toUnsignedLong(head.getInt(0));
            String type = fourcc(head, 4);
            long body = pos + 8;
            if (size == 1) {
                if (head.limit() < 16) {
                    throw new Unreadable("box " + type + " at byte " + pos + " is cut off");
                }
                size = head.getLong(8);
                body = pos + 16;
            } else if (size == 0) {
                size = to - pos; // "to the end of the file": only valid for the last box
            }
            if (size < body - pos || size > to - pos) {
                throw new Unreadable("box " + type + " at byte " + pos + " has size " + size + ", which does not fit in "
                        + (to - pos) + " bytes");
            }
            boxes.add(new Box(type, pos, body, pos + size));
            pos += size;
        }
        return boxes;
    }

    ByteBuffer read(long at, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (file.read(buf, at + buf.position()) < 0) {
                throw new Unreadable("the file ends at byte " + (at + buf.position()) + ", inside a box");
            }
        }
        return buf.flip();
    }

    void write(long at, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            file.write(bytes, at + bytes.position());
        }
    }

    private static String fourcc(ByteBuffer buf, int at) {
        byte[] c = new byte[4];
        buf.get(at, c);
        return new String(c, StandardCharsets.ISO_8859_1);
    }
}
