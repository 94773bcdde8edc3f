package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Mp4Chapters} on files from mp4mux and qtmux: the Nero chapter list written into the
 * movie reads back with our reader and with ffprobe, wherever the movie's user data box is; layouts
 * it cannot grow are left byte for byte as they were, with a warning.
 */
@Timeout(60)
class Mp4ChaptersTest {
    private static final String VIDEO = "videotestsrc num-buffers=5 ! video/x-raw,width=64,height=48 ! x264enc"
            + " ! h264parse";
    private static final List<Mp4Chapters.Chapter> CHAPTERS = List.of(new Mp4Chapters.Chapter("Opening", 0),
            new Mp4Chapters.Chapter("Mitte – Teil 2", 123_456_700L), new Mp4Chapters.Chapter("End", 300_000_000L));

    @TempDir
    Path dir;

    /**
     * plain: mp4mux ends the movie with its user data box and the file with the movie; title: an
     * XMP box follows the movie; none: the movie has no user data box; inner: a free box follows it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"plain", "title", "none", "inner"})
    void chaptersReadBackWhereverTheUserDataIs(String layout) throws Exception {
        Path file = layout.equals("title") ? MediaStreams.write(dir.resolve("a.mp4"), VIDEO + " ! mp4mux name=mux", "Kept")
                : CliTestSupport.encode(dir.resolve("a.mp4"), VIDEO + " ! mp4mux");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Mp4Movie movie = Mp4Movie.read(channel);
            assertEquals(layout.equals("title"), movie.moov().end() != channel.size(), "a box after the movie");
            if (layout.equals("none")) {
                movie.write(movie.udta().start() + 4, StandardCharsets.ISO_8859_1.encode("free"));
            } else if (layout.equals("inner")) {
                appendFreeBoxToMovie(movie, channel);
            }
        }
        assertNull(OutputMetadata.finishMovie(file, null, null, CHAPTERS, "mp4mux"));
        assertEquals(CHAPTERS, Mp4Chapters.read(file));
        if (Ffprobe.present()) {
            assertEquals(CHAPTERS, Ffprobe.chapters(file), "ffprobe's chapters");
        }
        // The movie still plays, and what followed the movie (the title's XMP) survives the move.
        assertEquals(5, CliTestSupport.decode(file).frames());
        if (layout.equals("title")) {
            assertEquals("Kept", MediaStreams.read(file).title());
            assertTrue(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(
                    "<dc:title>Kept</dc:title>"), "the XMP box's title");
        }
    }

    @Test
    void aQuickTimeMovieTakesThemToo() throws Exception {
        Path file = CliTestSupport.encode(dir.resolve("a.mov"), VIDEO + " ! qtmux");
        assertNull(OutputMetadata.finishMovie(file, null, null, CHAPTERS, "qtmux"));
        assertEquals(CHAPTERS, Mp4Chapters.read(file));
        if (Ffprobe.present()) {
            assertEquals(CHAPTERS, Ffprobe.chapters(file), "ffprobe's chapters");
        }
    }

    @Test
    void titlesAreCutTo255BytesOnACharacterBoundary() {
        String title = "a" + "€".repeat(100); // 1 + 300 bytes: the 85th euro sign would straddle byte 255
        byte[] cut = Mp4Chapters.title(title);
        assertEquals(1 + 84 * 3, cut.length);
        assertEquals("a" + "€".repeat(84), new String(cut, StandardCharsets.UTF_8));
        assertArrayEquals(new byte[0], Mp4Chapters.title(null));
    }

    /** ffmpeg writes the list too (and a QuickTime text track, which we do not read): our reader must agree. */
    @Test
    void ourReaderReadsFfmpegsList() throws Exception {
        assumeTrue(Ffprobe.present(), "ffmpeg is not installed: it writes this test's input");
        Path plain = CliTestSupport.encode(dir.resolve("plain.mp4"), VIDEO + " ! mp4mux");
        Path meta = Files.writeString(dir.resolve("meta.txt"), ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\n"
                + "END=100\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=150\nEND=300\ntitle=Two\n");
        Path file = dir.resolve("ffmpeg.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", plain.toString(), "-i", meta.toString(),
                "-map_chapters", "1", "-c", "copy", file.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        assertEquals(List.of(new Mp4Chapters.Chapter("One", 0), new Mp4Chapters.Chapter("Two", 150_000_000L)),
                Mp4Chapters.read(file));
    }

    @Test
    void otherContainersHaveNone() throws IOException {
        Path mkv = CliTestSupport.encode(dir.resolve("a.mkv"), VIDEO + " ! matroskamux");
        assertEquals(List.of(), Mp4Chapters.read(mkv));
    }

    @Test
    void aMovieAtTheStartOfTheFileIsLeftAlone() throws IOException {
        Path file = CliTestSupport.encode(dir.resolve("fast.mp4"), VIDEO + " ! mp4mux faststart=true");
        assertLeftAlone(file, CHAPTERS, "the movie box (moov) is followed by box mdat at byte ");
    }

    @Test
    void aDamagedUserDataBoxIsLeftAlone() throws IOException {
        Path file = MediaStreams.write(dir.resolve("a.mp4"), VIDEO + " ! mp4mux name=mux", "Kept");
        byte[] bytes = Files.readAllBytes(file);
        int udta = new String(bytes, StandardCharsets.ISO_8859_1).lastIndexOf("udta") - 4;
        // Its first child (meta) claims 3 bytes more than the user data box holds.
        ByteBuffer.wrap(bytes).putInt(udta + 8, ByteBuffer.wrap(bytes).getInt(udta) - 8 + 3);
        Files.write(file, bytes);
        assertLeftAlone(file, CHAPTERS, "which does not fit in");
    }

    @Test
    void moreChaptersThanTheCountHoldsAreRefused() throws IOException {
        Path file = CliTestSupport.encode(dir.resolve("a.mp4"), VIDEO + " ! mp4mux");
        List<Mp4Chapters.Chapter> many = IntStream.range(0, 256).mapToObj(i -> new Mp4Chapters.Chapter("c" + i,
                i * 1_000_000L)).toList();
        assertLeftAlone(file, many, "256 chapters, more than the 255 an MP4 chapter list (chpl) holds");
    }

    @Test
    void aDamagedListIsReportedWhenRead() throws IOException {
        Path file = CliTestSupport.encode(dir.resolve("a.mp4"), VIDEO + " ! mp4mux");
        assertNull(OutputMetadata.finishMovie(file, null, null, CHAPTERS, "mp4mux"));
        byte[] bytes = Files.readAllBytes(file);
        int count = new String(bytes, StandardCharsets.ISO_8859_1).lastIndexOf("chpl") + 4 + 8;
        bytes[count] = 4; // one chapter more than the list holds
        Files.write(file, bytes);
        Mp4Movie.Unreadable e = assertThrows(Mp4Movie.Unreadable.class,
                () -> Mp4Chapters.read(file));
        assertTrue(e.getMessage().matches("the chapter list \\(chpl at byte \\d+\\) is cut off"), e.getMessage());
    }

    private static void assertLeftAlone(Path file, List<Mp4Chapters.Chapter> chapters, String why) throws IOException {
        byte[] before = Files.readAllBytes(file);
        String warning = OutputMetadata.finishMovie(file, null, null, chapters, "mp4mux");
        assertTrue(warning != null && warning.startsWith("the input's chapters are not set in the output: ")
                && warning.contains(why) && warning.endsWith("; it is left as mp4mux wrote it (write .mkv to keep the"
                + " chapters)"), warning);
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    /** Puts an 8-byte free box after the movie's last box (its user data), so that box no longer ends the movie. */
    private static void appendFreeBoxToMovie(Mp4Movie movie, FileChannel channel) throws IOException {
        assertEquals(movie.moov().end(), movie.udta().end(), "mp4mux ends the movie with its user data");
        movie.write(channel.size(), ByteBuffer.allocate(8).putInt(8).put("free".getBytes(StandardCharsets.US_ASCII))
                .flip());
        long size = movie.moov().end() - movie.moov().start() + 8;
        movie.write(movie.moov().start(), ByteBuffer.allocate(4).putInt((int) size).flip());
    }
}
