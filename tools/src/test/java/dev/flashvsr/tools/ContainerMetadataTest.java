package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code flashvsr upscale} carries chapters, the video's rotation and an MP4's creation time over:
 * generated inputs, upscaled for real, read back with GStreamer's demuxers, and an MP4's chapter
 * list with our reader and ffprobe.
 */
@Timeout(120)
class ContainerMetadataTest {
    private static final String VIDEO = "videotestsrc pattern=smpte num-buffers=30"
            + " ! video/x-raw,format=I420,width=64,height=48,framerate=15/1"
            + " ! x264enc speed-preset=ultrafast key-int-max=15 ! h264parse";
    /** Far from the time a test runs, in the past (qtdemux ignores creation times in the future). */
    private static final Instant CREATED = Instant.parse(MediaStreams.CREATED);
    private static final List<ChapterFiles.Chapter> CHAPTERS = List.of(
            new ChapterFiles.Chapter("Opening", 0, 500_000_000L),
            new ChapterFiles.Chapter("Middle part", 500_000_000L, 1_200_000_000L),
            new ChapterFiles.Chapter("End", 1_200_000_000L, 2_000_000_000L));

    @TempDir
    static Path shared;
    /** Turned 90° clockwise (its track matrix), made at {@link #CREATED}. */
    static Path rotatedMp4;
    /** Mirrored left to right (image-orientation flip-rotate-0). */
    static Path mirroredMp4;
    /** Video only, with {@link #CHAPTERS}. */
    static Path chaptersMkv;
    /** Video only, with {@link #CHAPTERS} as its chapter list (chpl). */
    static Path chaptersMp4;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeInputs() throws IOException {
        rotatedMp4 = CliTestSupport.encode(shared.resolve("rotated.mp4"), VIDEO + " ! mp4mux");
        // mp4mux 1.22 writes neither a rotation nor a chosen creation time: both are set afterwards.
        try (FileChannel file = FileChannel.open(rotatedMp4, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Mp4Movie movie = Mp4Movie.read(file);
            Orientation.ROTATE_90.writeTo(movie);
            Mp4Times.set(movie, CREATED);
        }
        mirroredMp4 = CliTestSupport.encode(shared.resolve("mirrored.mp4"), VIDEO + " ! mp4mux");
        try (FileChannel file = FileChannel.open(mirroredMp4, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Orientation.FLIP_ROTATE_0.writeTo(Mp4Movie.read(file));
        }
        // Video only: the chapters reach the muxer through the decoder, flashvsrfilter and the encoder.
        chaptersMkv = ChapterFiles.write(shared.resolve("chapters.mkv"), VIDEO + " ! matroskamux name=mux", CHAPTERS);
        chaptersMp4 = CliTestSupport.encode(shared.resolve("chapters.mp4"), VIDEO + " ! mp4mux");
        assertNull(OutputMetadata.finishMovie(chaptersMp4, null, null, ChapterFiles.titlesAndStarts(CHAPTERS), "mp4mux"));
    }

    @Test
    void theTestInputsSayWhatTheTestsExpect() throws IOException {
        assertEquals("rotate-90", ChapterFiles.read(rotatedMp4).orientation());
        assertEquals(CREATED.toString(), MediaStreams.read(rotatedMp4).datetime());
        assertEquals(CHAPTERS, ChapterFiles.read(chaptersMkv).chapters());
        assertSameChapters(Mp4Chapters.read(chaptersMp4), "our reader");
        assertEquals(List.of(), ChapterFiles.read(chaptersMp4).chapters(), "qtdemux 1.22 reads no chapter list");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mp4", "mov"})
    void anMp4KeepsItsCreationTimeAndRotationInItsHeaders(String to) throws IOException {
        Path out = upscaleWithoutWarning(rotatedMp4, to);
        assertEquals(CREATED.toString(), MediaStreams.read(out).datetime(), "qtdemux's datetime");
        assertEquals("rotate-90", ChapterFiles.read(out).orientation(), "qtdemux's image-orientation");
        CliTestSupport.VideoInfo video = CliTestSupport.decode(out);
        assertEquals(List.of(128, 96), List.of(video.width(), video.height()), "pixels as stored, turned by players");
    }

    @Test
    void aFolderUpscaleFinishesEachMp4Too() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(rotatedMp4, in.resolve("a.mp4"));
        Path out = dir.resolve("out");
        upscale(in, out);
        assertEquals(CREATED.toString(), MediaStreams.read(out.resolve("a.mp4")).datetime());
        assertEquals("rotate-90", ChapterFiles.read(out.resolve("a.mp4")).orientation());
    }

    @Test
    void matroskaGetsTheVideoTurnedUprightAndTheCreationTime() {
        Path out = dir.resolve("out.mkv");
        CliTestSupport.Result r = upscale(rotatedMp4, out);
        assertTrue(r.err().contains("note: the video is turned upright (image-orientation rotate-90): Matroska has no"
                + " rotation field, so its pixels are turned"), r::toString);
        assertEquals(CREATED.toString(), MediaStreams.read(out).datetime());
        BufferedImage frame = firstFrame(out);
        assertEquals(List.of(96, 128), List.of(frame.getWidth(), frame.getHeight()));
        // SMPTE bars run grey to blue from left to right: turned clockwise, from top to bottom.
        int top = frame.getRGB(72, 3);
        int bottom = frame.getRGB(72, 124);
        assertTrue(isGrey(top), () -> "grey at the top: " + hex(top));
        assertTrue(isBlue(bottom), () -> "blue at the bottom: " + hex(bottom));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mp4", "mkv"})
    void aMirroredVideoStaysMirrored(String to) {
        Path out = upscaleWithoutWarning(mirroredMp4, to);
        BufferedImage frame = firstFrame(out);
        int left = frame.getRGB(3, 20);
        if (to.equals("mp4")) {
            assertEquals("flip-rotate-0", ChapterFiles.read(out).orientation());
            assertTrue(isGrey(left), () -> "stored as decoded, grey at the left: " + hex(left));
        } else {
            assertEquals(List.of(128, 96), List.of(frame.getWidth(), frame.getHeight()));
            assertTrue(isBlue(left), () -> "mirrored, blue at the left: " + hex(left));
        }
    }

    @Test
    void matroskaChaptersCarryOverWithTheirTitlesAndTimes() {
        Path out = upscaleWithoutWarning(chaptersMkv, "mkv");
        assertEquals(CHAPTERS, ChapterFiles.read(out).chapters());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mp4", "mov"})
    void matroskaChaptersGoIntoAnMp4sChapterList(String to) throws Exception {
        Path out = upscaleWithoutWarning(chaptersMkv, to);
        assertSameChapters(Mp4Chapters.read(out), "our reader");
        if (Ffprobe.present()) {
            assertSameChapters(Ffprobe.chapters(out), "ffprobe");
        }
    }

    /** qtdemux reads no chapter list: the input's is read from the file, for matroskamux and for mp4mux. */
    @ParameterizedTest
    @ValueSource(strings = {"mkv", "mp4"})
    void anMp4sChapterListCarriesOver(String to) throws IOException {
        Path out = upscaleWithoutWarning(chaptersMp4, to);
        assertSameChapters(to.equals("mkv") ? ChapterFiles.titlesAndStarts(ChapterFiles.read(out).chapters()) : Mp4Chapters.read(out),
                to.equals("mkv") ? "matroskademux" : "our reader");
    }

    @Test
    void aDamagedChapterListIsSkippedWithAWarning() throws IOException {
        byte[] bytes = Files.readAllBytes(chaptersMp4);
        int count = new String(bytes, StandardCharsets.ISO_8859_1).lastIndexOf("chpl") + 4 + 8;
        bytes[count]++; // one chapter more than the list holds
        Path in = Files.write(dir.resolve("damaged.mp4"), bytes);
        Path out = dir.resolve("out.mkv");
        CliTestSupport.Result r = upscale(in, out);
        assertTrue(r.err().matches("(?s).*warning: the input's chapters are not kept: the chapter list \\(chpl at byte"
                + " \\d+\\) is cut off\n.*"), r::toString);
        assertEquals(List.of(), ChapterFiles.read(out).chapters());
    }

    /** Titles equal, starts within 1 ms of {@link #CHAPTERS}. */
    private static void assertSameChapters(List<Mp4Chapters.Chapter> read, String reader) {
        assertEquals(CHAPTERS.stream().map(ChapterFiles.Chapter::title).toList(),
                read.stream().map(Mp4Chapters.Chapter::title).toList(), () -> reader + "'s titles");
        for (int i = 0; i < CHAPTERS.size(); i++) {
            long start = read.get(i).start();
            long expected = CHAPTERS.get(i).start();
            assertTrue(Math.abs(start - expected) <= 1_000_000L, () -> reader + ": " + read + " starts more than 1 ms"
                    + " from " + CHAPTERS);
        }
    }

    /** Upscales {@code in} to out.{@code to} in the test's folder, which must succeed without a warning. */
    private Path upscaleWithoutWarning(Path in, String to) {
        Path out = dir.resolve("out." + to);
        CliTestSupport.Result r = upscale(in, out);
        assertFalse(r.err().contains("warning"), r::toString);
        return out;
    }

    /** Runs {@code flashvsr upscale}, which must succeed. */
    private static CliTestSupport.Result upscale(Path in, Path out) {
        CliTestSupport.Result r = CliTestSupport.run("upscale", in.toString(), out.toString(), "--quiet", "--scale=2",
                "--model=bicubic", "--backend=cpu");
        assertEquals(0, r.code(), r::toString);
        return r;
    }

    private static BufferedImage firstFrame(Path file) {
        try (FrameReader reader = new FrameReader(file, file.toString())) {
            return reader.next();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SMPTE's first bar, 75 % white. */
    private static boolean isGrey(int rgb) {
        return red(rgb) > 140 && green(rgb) > 140 && blue(rgb) > 140;
    }

    /** SMPTE's last bar of the top row. */
    private static boolean isBlue(int rgb) {
        return blue(rgb) > 140 && red(rgb) < 90 && green(rgb) < 90;
    }

    private static int red(int rgb) {
        return rgb >> 16 & 0xff;
    }

    private static int green(int rgb) {
        return rgb >> 8 & 0xff;
    }

    private static int blue(int rgb) {
        return rgb & 0xff;
    }

    private static String hex(int rgb) {
        return String.format("#%06x", rgb & 0xffffff);
    }
}
