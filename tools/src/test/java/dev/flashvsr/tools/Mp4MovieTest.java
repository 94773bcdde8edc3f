package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Mp4Movie}, {@link Mp4Times} and {@link Orientation#writeTo} on files from mp4mux (movie at
 * the end or, with faststart, at the start), on hand-made version-1 boxes and on damaged files,
 * which must be left byte for byte as they were.
 */
@Timeout(60)
class Mp4MovieTest {
    private static final Instant WHEN = Instant.parse("2001-02-03T04:05:06Z");
    /** Beyond the 32-bit fields of version-0 boxes (they end in 2040). */
    private static final Instant LATE = Instant.parse("2100-01-01T00:00:00Z");
    private static final long EPOCH_1904 = 2_082_844_800L;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "faststart={0}")
    @ValueSource(booleans = {false, true})
    void setsEveryHeadersTimesAndTheVideoMatrixWhereverTheMovieIs(boolean faststart) throws IOException {
        Path file = CliTestSupport.encode(dir.resolve("a.mp4"), "videotestsrc num-buffers=5"
                + " ! video/x-raw,width=64,height=48 ! x264enc ! h264parse ! mux. audiotestsrc num-buffers=5"
                + " ! avenc_aac ! mux. mp4mux name=mux faststart=" + faststart);
        assertNull(OutputMetadata.finishMovie(file, WHEN, Orientation.ROTATE_180, List.of(), "mp4mux"));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Mp4Movie movie = Mp4Movie.read(channel);
            assertEquals(List.of("vide", "soun"), movie.tracks().stream().map(Mp4Movie.Track::handler).toList());
            assertEquals(List.of(WHEN.getEpochSecond() + EPOCH_1904), times(movie).stream().distinct().toList());
        }
        assertEquals(WHEN.toString(), MediaStreams.read(file).datetime(), "qtdemux's datetime");
        assertEquals("rotate-180", ChapterFiles.read(file).orientation(), "qtdemux's image-orientation");
    }

    /** qtdemux 1.22 reads every matrix but flip-rotate-90's (0 -1 / -1 0), which it logs as unhandled. */
    @ParameterizedTest
    @EnumSource(value = Orientation.class, mode = EnumSource.Mode.EXCLUDE, names = "FLIP_ROTATE_90")
    void qtdemuxReadsEachWrittenOrientationAsItsTag(Orientation orientation) throws IOException {
        Path file = CliTestSupport.encode(dir.resolve("o.mp4"), "videotestsrc num-buffers=2"
                + " ! video/x-raw,width=64,height=48 ! x264enc ! h264parse ! mp4mux");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            orientation.writeTo(Mp4Movie.read(channel));
        }
        String read = ChapterFiles.read(file).orientation();
        // qtdemux leaves the tag out for an identity matrix.
        assertEquals(orientation == Orientation.ROTATE_0 ? null : orientation.tag(), read);
    }

    @Test
    void versionOneBoxesTakeTimesBeyond2040() throws IOException {
        Path file = Files.write(dir.resolve("v1.mp4"), movie(1));
        assertNull(OutputMetadata.finishMovie(file, LATE, null, List.of(), "mp4mux"));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            assertEquals(List.of(LATE.getEpochSecond() + EPOCH_1904), times(Mp4Movie.read(channel)).stream().distinct()
                    .toList());
        }
    }

    @Test
    void aTimeVersionZeroBoxesCannotHoldLeavesTheFileAlone() throws IOException {
        byte[] before = movie(0);
        Path file = Files.write(dir.resolve("v0.mp4"), before);
        String warning = OutputMetadata.finishMovie(file, LATE, Orientation.ROTATE_90, List.of(), "mp4mux");
        assertEquals("the input's creation time and orientation are not set in the output: the time 2100-01-01T00:00:00Z"
                + " does not fit the file's 32-bit time fields (1904 to 2040); it is left as mp4mux wrote it", warning);
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void damagedOrUnknownLayoutsAreReportedAndLeftAlone() throws IOException {
        byte[] good = movie(0);
        int moov = indexOf(good, "moov") - 4;
        List<byte[]> damaged = new ArrayList<>();
        damaged.add(ByteBuffer.wrap(good.clone()).putInt(moov, good.length).array()); // past the end of the file
        damaged.add(ByteBuffer.wrap(good.clone()).putInt(moov, 4).array()); // smaller than its own header
        damaged.add(Arrays.copyOf(good, good.length - 3)); // cut short
        byte[] newVersion = good.clone();
        newVersion[indexOf(good, "mvhd") + 4] = 2;
        damaged.add(newVersion);
        damaged.add("not an MP4 file at all, just text".getBytes(StandardCharsets.US_ASCII));
        for (byte[] bytes : damaged) {
            Path file = Files.write(dir.resolve("damaged.mp4"), bytes);
            String warning = OutputMetadata.finishMovie(file, WHEN, null, List.of(), "qtmux");
            assertTrue(warning != null && warning.startsWith("the input's creation time is not set in the output: ")
                    && warning.endsWith("; it is left as qtmux wrote it"), warning);
            assertArrayEquals(bytes, Files.readAllBytes(file), warning);
        }
        Path file = Files.write(dir.resolve("damaged.mp4"), damaged.get(0));
        assertEquals("box moov at byte 16 has size " + good.length + ", which does not fit in " + (good.length - 16)
                + " bytes", assertThrows(Mp4Movie.Unreadable.class, () -> {
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                        Mp4Movie.read(channel);
                    }
                }).getMessage());
    }

    /** The creation and modification times of every header, as stored (seconds since 1904). */
    private static List<Long> times(Mp4Movie movie) throws IOException {
        List<Mp4Movie.Header> headers = new ArrayList<>(List.of(movie.mvhd()));
        movie.tracks().forEach(t -> headers.addAll(List.of(t.tkhd(), t.mdhd())));
        List<Long> times = new ArrayList<>();
        for (Mp4Movie.Header h : headers) {
            ByteBuffer b = movie.read(h.times(), h.version() == 1 ? 16 : 8);
            for (int i = 0; i < 2; i++) {
                times.add(h.version() == 1 ? b.getLong(8 * i) : Integer.toUnsignedLong(b.getInt(4 * i)));
            }
        }
        return times;
    }

    /** A minimal movie with one video track, all headers of the given version, then a small mdat. */
    private static byte[] movie(int version) {
        int times = version == 1 ? 16 : 8;
        int duration = version == 1 ? 8 : 4;
        byte[] mvhd = full("mvhd", version, times + 4 + duration + 80);
        byte[] tkhd = full("tkhd", version, times + 8 + duration + 60);
        byte[] mdhd = full("mdhd", version, times + 4 + duration + 4);
        byte[] hdlr = full("hdlr", 0, 4 + 4 + 12 + 1);
        System.arraycopy("vide".getBytes(StandardCharsets.US_ASCII), 0, hdlr, 16, 4);
        byte[] trak = box("trak", tkhd, box("mdia", mdhd, hdlr));
        return concat(box("ftyp", "isom\0\0\0\0".getBytes(StandardCharsets.US_ASCII)), box("moov", mvhd, trak),
                box("mdat", new byte[32]));
    }

    private static byte[] full(String type, int version, int bodyAfterFlags) {
        byte[] body = new byte[4 + bodyAfterFlags];
        body[0] = (byte) version;
        return box(type, body);
    }

    private static byte[] box(String type, byte[]... children) {
        byte[] body = concat(children);
        return ByteBuffer.allocate(8 + body.length).putInt(8 + body.length).put(type.getBytes(StandardCharsets.US_ASCII))
                .put(body).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, String fourcc) {
        return new String(data, StandardCharsets.ISO_8859_1).indexOf(fourcc);
    }
}
