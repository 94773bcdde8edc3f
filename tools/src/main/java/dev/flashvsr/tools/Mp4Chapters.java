package dev.flashvsr.tools;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Chapters in an MP4 or QuickTime movie as Nero's chapter list, {@code moov/udta/chpl}, which
 * ffmpeg, mpv and VLC read and write (GStreamer 1.22's muxers write no chapters and qtdemux reads
 * none). The box is a full box (version 1: four reserved bytes follow the flags), an 8-bit count,
 * and per chapter its start in 100 ns units (64-bit), an 8-bit title length and the UTF-8 title.
 */
final class Mp4Chapters {
    /** @param start nanoseconds from the start of the movie */
    record Chapter(String title, long start) {
    }

    /** Adds the chapters checked by {@link #prepare}. */
    interface Insertion {
        void write() throws IOException;
    }

    /** The most chapters the 8-bit count holds. */
    private static final int MAX = 255;
    private static final int MAX_TITLE_BYTES = 255;
    /** The longest list: version, flags, reserved and count, then the most chapters with the longest titles. */
    private static final int MAX_BODY = 9 + MAX * (9 + MAX_TITLE_BYTES);
    private static final long UNIT_NS = 100;
    private static final int HEADER = 8;
    /** Top-level boxes that hold no media, which nothing points into. */
    private static final Set<String> MOVABLE = Set.of("uuid", "free", "skip", "meta");
    /** The most bytes moved in memory: the boxes after the movie, or its user data box's. */
    private static final int MAX_MOVED = 16 << 20;

    private Mp4Chapters() {
    }

    /**
     * The chapters of an MP4 or QuickTime file; an empty list when it has none or is no such file
     * (any other container). Throws {@link Mp4Movie.Unreadable} when its chapter list is damaged.
     */
    static List<Chapter> read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Mp4Movie movie;
            try {
                movie = Mp4Movie.read(channel);
            } catch (Mp4Movie.Unreadable notAMovie) {
                return List.of();
            }
            return read(movie);
        }
    }

    /** The movie's chapters, in the order of the list; throws {@link Mp4Movie.Unreadable} when it is damaged. */
    static List<Chapter> read(Mp4Movie movie) throws IOException {
        Mp4Movie.Box chpl = chpl(movie);
        if (chpl == null) {
            return List.of();
        }
        // Longer than the most a list holds is padding (or damage) and not read.
        ByteBuffer body = movie.read(chpl.body(), (int) Math.min(chpl.end() - chpl.body(), MAX_BODY));
        try {
            int version = body.get() & 0xff;
            body.position(version == 0 ? 4 : 8);
            int count = body.get() & 0xff;
            List<Chapter> chapters = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long start = body.getLong();
                byte[] title = new byte[body.get() & 0xff];
                body.get(title);
                chapters.add(new Chapter(new String(title, StandardCharsets.UTF_8), start * UNIT_NS));
            }
            return chapters;
        } catch (BufferUnderflowException | IllegalArgumentException e) { // a read or the position past the end
            throw new Mp4Movie.Unreadable("the chapter list (chpl at byte " + chpl.start() + ") is cut off");
        }
    }

    /**
     * Checks that {@code chapters} can be added to the movie and returns the step that adds them.
     * Nothing is written until then: a movie followed by boxes that cannot move (the media), a
     * damaged user data box, a chapter list already there or sizes their fields cannot hold throw
     * {@link Mp4Movie.Unreadable}.
     */
    static Insertion prepare(Mp4Movie movie, List<Chapter> chapters) throws IOException {
        if (chapters.size() > MAX) {
            throw new Mp4Movie.Unreadable(chapters.size() + " chapters, more than the " + MAX + " an MP4 chapter list"
                    + " (chpl) holds");
        }
        if (chpl(movie) != null) {
            throw new Mp4Movie.Unreadable("the movie already has a chapter list (chpl)");
        }
        Mp4Movie.Box moov = movie.moov();
        ByteBuffer tail = movableTail(movie, moov);
        ByteBuffer chpl = box("chpl", body(chapters));
        Mp4Movie.Box udta = movie.udta();
        if (udta != null && udta.end() == moov.end()) {
            // The user data ends the movie: the list goes after it, and both grow.
            checkResize(movie, udta, chpl.remaining());
            checkResize(movie, moov, chpl.remaining());
            return () -> insert(movie, moov.end(), chpl, tail, udta, moov);
        }
        // No user data box, or one inside the movie: a new one ends the movie, holding the old one's
        // boxes (copied) and the list; the old one becomes free space.
        if (udta != null && udta.end() - udta.body() > MAX_MOVED) {
            throw new Mp4Movie.Unreadable("the movie's user data box (udta) holds " + (udta.end() - udta.body())
                    + " bytes, more than the " + MAX_MOVED + " moved to let it end the movie");
        }
        ByteBuffer old = udta == null ? ByteBuffer.allocate(0)
                : movie.read(udta.body(), (int) (udta.end() - udta.body()));
        ByteBuffer added = box("udta", ByteBuffer.allocate(old.remaining() + chpl.remaining()).put(old).put(chpl)
                .flip());
        checkResize(movie, moov, added.remaining());
        return () -> {
            insert(movie, moov.end(), added, tail, moov);
            if (udta != null) {
                movie.write(udta.start() + 4, StandardCharsets.ISO_8859_1.encode("free"));
            }
        };
    }

    /**
     * The boxes after the movie, which move to make room for it to grow: only those no offset in
     * the movie points into (mp4mux ends the file with an XMP uuid box when the input has tags).
     */
    private static ByteBuffer movableTail(Mp4Movie movie, Mp4Movie.Box moov) throws IOException {
        long fileEnd = movie.size();
        for (Mp4Movie.Box box : movie.children(moov.end(), fileEnd)) {
            if (!MOVABLE.contains(box.type())) {
                throw new Mp4Movie.Unreadable("the movie box (moov) is followed by box " + box.type() + " at byte "
                        + box.start() + ", which cannot move to let the movie grow");
            }
        }
        if (fileEnd - moov.end() > MAX_MOVED) {
            throw new Mp4Movie.Unreadable("the movie box (moov) is followed by " + (fileEnd - moov.end())
                    + " bytes, more than the " + MAX_MOVED + " moved to let it grow");
        }
        return movie.read(moov.end(), (int) (fileEnd - moov.end()));
    }

    /** The chapter list's body: version 1, no flags, four reserved bytes, the count and the chapters. */
    static ByteBuffer body(List<Chapter> chapters) {
        List<byte[]> titles = chapters.stream().map(c -> title(c.title())).toList();
        ByteBuffer body = ByteBuffer.allocate(9 + titles.stream().mapToInt(t -> 9 + t.length).sum());
        body.putInt(1 << 24).putInt(0).put((byte) chapters.size());
        for (int i = 0; i < chapters.size(); i++) {
            body.putLong(Math.max(0, chapters.get(i).start()) / UNIT_NS).put((byte) titles.get(i).length)
                    .put(titles.get(i));
        }
        return body.flip();
    }

    /** A title as UTF-8, cut to 255 bytes at a character's boundary. */
    static byte[] title(String title) {
        byte[] utf8 = (title == null ? "" : title).getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_TITLE_BYTES) {
            return utf8;
        }
        int end = MAX_TITLE_BYTES;
        // Back over continuation bytes (10xxxxxx) to the start of the character that does not fit.
        while ((utf8[end] & 0xc0) == 0x80) {
            end--;
        }
        return Arrays.copyOf(utf8, end);
    }

    private static Mp4Movie.Box chpl(Mp4Movie movie) throws IOException {
        Mp4Movie.Box udta = movie.udta();
        if (udta == null) {
            return null;
        }
        for (Mp4Movie.Box box : movie.children(udta.body(), udta.end())) {
            if (box.type().equals("chpl")) {
                return box;
            }
        }
        return null;
    }

    private static ByteBuffer box(String type, ByteBuffer body) {
        return ByteBuffer.allocate(HEADER + body.remaining()).putInt(HEADER + body.remaining())
                .put(StandardCharsets.ISO_8859_1.encode(type)).put(body).flip();
    }

    /** Throws when a box's size field cannot hold {@code added} more bytes. */
    private static void checkResize(Mp4Movie movie, Mp4Movie.Box box, long added) throws IOException {
        int field = movie.read(box.start(), 4).getInt(0);
        if (field != 0 && field != 1 && box.end() - box.start() + added > 0xffff_ffffL) {
            throw new Mp4Movie.Unreadable("the " + box.type() + " box would outgrow its 32-bit size field");
        }
    }

    /**
     * Writes {@code bytes} at {@code at}, the movie's end, moves the {@code tail} after them and grows
     * {@code boxes} by as much. The bytes past the file's old end go first: if the disk is full, that
     * write fails, is undone, and the file is as it was.
     */
    private static void insert(Mp4Movie movie, long at, ByteBuffer bytes, ByteBuffer tail, Mp4Movie.Box... boxes)
            throws IOException {
        int added = bytes.remaining();
        int moved = tail.remaining();
        long fileEnd = at + moved;
        ByteBuffer all = ByteBuffer.allocate(added + moved).put(bytes).put(tail).flip();
        try {
            movie.write(fileEnd, all.slice(moved, added));
        } catch (IOException e) {
            movie.truncate(fileEnd);
            throw e;
        }
        movie.write(at, all.slice(0, moved));
        for (Mp4Movie.Box box : boxes) {
            resize(movie, box, box.end() - box.start() + added);
        }
    }

    private static void resize(Mp4Movie movie, Mp4Movie.Box box, long size) throws IOException {
        ByteBuffer field = ByteBuffer.allocate(8);
        switch (movie.read(box.start(), 4).getInt(0)) {
            case 0 -> { } // "to the end of the file" stays true
            case 1 -> movie.write(box.start() + 8, field.putLong(size).flip());
            default -> movie.write(box.start(), field.putInt((int) size).flip());
        }
    }
}
