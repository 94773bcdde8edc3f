package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code flashvsr upscale DIR_IN DIR_OUT} end to end on small files made with GStreamer. */
class FolderUpscaleTest {
    private static final int FRAMES = 16;
    private static final CliTestSupport.VideoInfo UPSCALED = new CliTestSupport.VideoInfo(FRAMES, 128, 96);
    /** A table row: file, frames, fps, result, the numbers right-aligned in their columns. */
    private static final String ROW = "%s\\s+(\\d+|-)\\s+(\\d+\\.\\d|-)\\s+%s";

    @TempDir
    static Path shared;
    static Path mp4;
    static Path mkv;

    @TempDir
    Path dir;
    Path in;
    Path out;

    @BeforeAll
    static void encodeClips() {
        mp4 = encode(shared.resolve("clip.mp4"), FRAMES, "mp4mux");
        mkv = encode(shared.resolve("clip.mkv"), FRAMES, "matroskamux");
    }

    @Test
    void withoutRecursiveOnlyTheTopLevelThenRecursiveTheRestInTheSameLayout() throws IOException {
        in = dir.resolve("in");
        out = dir.resolve("out");
        put(mp4, "a.mp4");
        put(mkv, "sub/b.mkv");
        put(mp4, "sub/deeper/c.MOV");
        put(mp4, ".hidden/d.mp4");
        put(mp4, ".e.mp4");
        Files.writeString(in.resolve("notes.txt"), "not a video");

        CliTestSupport.Result top = upscale();
        assertEquals(0, top.code(), top::toString);
        assertEquals(List.of("a.mp4"), files(out));
        assertEquals(UPSCALED, CliTestSupport.decode(out.resolve("a.mp4")));
        assertTrue(top.err().contains("flashvsr: [1/1] a.mp4: done, 16 frames in "), top::toString);

        CliTestSupport.Result all = upscale("--recursive");
        assertEquals(0, all.code(), all::toString);
        assertEquals(List.of("a.mp4", "sub/b.mkv", "sub/deeper/c.mkv"), files(out), "same layout, hidden left out");
        assertEquals(UPSCALED, CliTestSupport.decode(out.resolve("sub/b.mkv")));
        assertEquals(UPSCALED, CliTestSupport.decode(out.resolve("sub/deeper/c.mkv")));
        assertTableRows(all.out(), row("a.mp4", "skipped: exists"), row("sub/b.mkv", "done"),
                row("sub/deeper/c.MOV", "done: as sub/deeper/c.mkv"));
        assertTrue(all.out().contains("total: 2 done, 0 failed, 1 skipped of 3 files; 32 frames in "), all::toString);
        assertTrue(all.err().contains("flashvsr: [2/3] sub/b.mkv: done, 16 frames in "), all::toString);
    }

    @Test
    void completeOutputsAreSkippedUntilOverwrite() throws IOException {
        in = dir.resolve("in");
        out = dir.resolve("out");
        put(mp4, "a.mp4");
        put(mkv, "b.mkv");
        assertEquals(0, upscale().code());
        byte[] first = Files.readAllBytes(out.resolve("a.mp4"));

        CliTestSupport.Result again = upscale();
        assertEquals(0, again.code(), again::toString);
        assertTableRows(again.out(), row("a.mp4", "skipped: exists"), row("b.mkv", "skipped: exists"));
        assertFalse(again.err().contains("warning"), again::toString);
        assertArrayEquals(first, Files.readAllBytes(out.resolve("a.mp4")));

        CliTestSupport.Result redo = upscale("--overwrite", "--quiet");
        assertEquals(0, redo.code(), redo::toString);
        assertTableRows(redo.out(), row("a.mp4", "done"), row("b.mkv", "done"));
        assertEquals("", redo.err(), "--quiet: only the summary, on stdout");
        assertEquals(UPSCALED, CliTestSupport.decode(out.resolve("b.mkv")));
    }

    /** A shorter video or garbage at the output's name fails the check: it is made again, with a warning. */
    @Test
    void anIncompleteExistingOutputIsRedone() throws IOException {
        in = dir.resolve("in");
        out = dir.resolve("out");
        put(mp4, "a.mp4");
        put(mkv, "b.mkv");
        Files.createDirectories(out);
        encode(out.resolve("a.mp4"), FRAMES / 2, "mp4mux");
        Files.writeString(out.resolve("b.mkv"), "cut short");

        CliTestSupport.Result r = upscale();
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("flashvsr: warning: [1/2] a.mp4: " + out.resolve("a.mp4") + " exists but is not"
                + " complete (it lasts 0.27 s, the input 0.53 s); upscaling it again"), r::toString);
        assertTrue(r.err().contains("flashvsr: warning: [2/2] b.mkv: " + out.resolve("b.mkv") + " exists but is not"
                + " complete (it does not read as a video with a duration)"), r::toString);
        assertTableRows(r.out(), row("a.mp4", "done"), row("b.mkv", "done"));
        assertEquals(UPSCALED, CliTestSupport.decode(out.resolve("a.mp4")));
        assertEquals(UPSCALED, CliTestSupport.decode(out.resolve("b.mkv")));
    }

    /** Garbage, a pipe that would block a reader and a file with no video: each listed, the rest done. */
    @Test
    void brokenFilesAreListedAndTheRestGoOn() throws IOException, InterruptedException {
        in = dir.resolve("in");
        out = dir.resolve("out");
        put(mp4, "a.mp4");
        byte[] noise = new byte[32 * 1024];
        new Random(3).nextBytes(noise);
        Files.write(in.resolve("b-garbage.mp4"), noise);
        Process mkfifo = new ProcessBuilder("mkfifo", in.resolve("c-pipe.mp4").toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        Files.copy(CliTestSupport.encodeAudio(dir.resolve("tone.wav")), in.resolve("d-tone.mkv"));
        put(mkv, "e.mkv");
        put(mp4, "e.mov");

        CliTestSupport.Result r = upscale("--recursive");
        assertEquals(FlashVsrCli.EXIT_FAILURE, r.code(), r::toString);
        assertTableRows(r.out(), row("a.mp4", "done"), row("b-garbage.mp4", "failed: .+"),
                row("c-pipe.mp4", "failed: not a regular file \\(a pipe, device or socket\\); move it out of IN"),
                row("d-tone.mkv", "failed: .*no video stream"), row("e.mkv", "done"),
                row("e.mov", "failed: its output e\\.mkv is already that of e\\.mkv; rename one of the two"));
        assertTrue(r.out().contains("total: 2 done, 4 failed, 0 skipped of 6 files; 32 frames in "), r::toString);
        assertEquals(List.of("a.mp4", "e.mkv"), files(out), "nothing at a failed file's output, no staging left");
        assertEquals(UPSCALED, CliTestSupport.decode(out.resolve("e.mkv")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"inside", "inside through ..", "inside through a link", "same", "same through a link",
            "a file"})
    void anOutputThatWouldFeedOnItselfOrIsAFileIsRefused(String how) throws IOException {
        in = dir.resolve("in");
        put(mp4, "sub/a.mp4");
        Path link = Files.createSymbolicLink(dir.resolve("link"), in);
        String given = switch (how) {
            case "inside" -> in.resolve("up").toString();
            case "inside through .." -> in.resolve("sub/../up").toString();
            case "inside through a link" -> link.resolve("up").toString();
            case "same" -> dir.resolve("./in").toString();
            case "same through a link" -> link.toString();
            default -> Files.writeString(dir.resolve("out.mp4"), "a file").toString();
        };
        List<String> before = files(dir);
        CliTestSupport.Result r = CliTestSupport.run("upscale", in.toString(), given, "--model", "bicubic");
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        String expected = how.startsWith("inside") ? "is inside IN '" + in + "' (as " + in.toRealPath().resolve("up")
                + "): a later run would upscale the outputs again; name a folder outside IN"
                : how.startsWith("same") ? "is the input folder itself: name another folder"
                : "is a file, but IN '" + in + "' is a folder: name a folder for the upscaled videos";
        assertTrue(r.err().startsWith("flashvsr: error: OUT '" + given + "' ") && r.err().contains(expected),
                r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertEquals(before, files(dir), "nothing written");
    }

    @Test
    void aFileWithAFolderAsOutputIsRefusedNamingTheFileToGive() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("out"));
        CliTestSupport.Result r = CliTestSupport.run("upscale", mp4.toString(), folder.toString());
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertEquals("flashvsr: error: output '" + folder + "' is a folder, but IN is a file: name the output file,"
                + " e.g. '" + folder.resolve("clip.mp4") + "'", r.err().strip());
        assertEquals(List.of(), files(folder));
    }

    @Test
    void anEmptyFolderSaysWhatWasLookedFor() throws IOException {
        in = Files.createDirectories(dir.resolve("in/sub"));
        Files.copy(mp4, in.resolve("a.mp4"));
        in = dir.resolve("in");
        out = dir.resolve("out");
        CliTestSupport.Result r = upscale();
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("no video file in " + in.toRealPath() + " (its sub-folders are read with"
                + " --recursive); looked for [avi, "), r::toString);
        assertTrue(r.out().contains("total: 0 done, 0 failed, 0 skipped of 0 files"), r::toString);
    }

    /** Ctrl-C before a file starts (the folder hook runs, no file's guard is open): the summary, then exit 130. */
    @Test
    void ctrlCBetweenFilesPrintsTheSummaryBeforeTheJvmMayExit() throws Exception {
        in = dir.resolve("in");
        out = dir.resolve("out");
        put(mp4, "a.mp4");
        put(mp4, "b.mp4");
        StringWriter stdout = new StringWriter();
        FolderUpscale folder;
        Thread hook;
        try (FolderInterrupt interrupt = new FolderInterrupt(Duration.ofSeconds(30))) {
            PrintWriter err = new PrintWriter(new StringWriter());
            folder = new FolderUpscale(FolderPaths.check(in, out), false, false, true, new FolderFileUpscale(() -> {
                throw new AssertionError("no file is started after Ctrl-C");
            }, new VideoEncoding(new EncoderChoice(EncoderCatalog.named("x264enc"), "I420", "software"), 18), StreamSelection.ALL,
                    true,
                    err), interrupt, new PrintWriter(stdout), err);
            hook = new Thread(interrupt::stopAndAwaitSummary);
            hook.start();
            while (!interrupt.requested()) {
                Thread.onSpinWait();
            }
            assertEquals(FlashVsrCli.EXIT_INTERRUPTED, folder.run());
            hook.join(5000);
        }
        assertFalse(hook.isAlive(), "the hook returns once the summary is printed");
        assertTrue(stdout.toString().contains("total: 0 done, 0 failed, 0 skipped, 2 not started of 2 files"),
                stdout::toString);
        assertEquals(List.of(), files(out));
    }

    private CliTestSupport.Result upscale(String... options) {
        String[] args = Stream.concat(Stream.of("upscale", in.toString(), out.toString(), "--model", "bicubic",
                "--scale", "2"), Stream.of(options)).toArray(String[]::new);
        return CliTestSupport.run(args);
    }

    private void put(Path source, String relative) throws IOException {
        Path target = in.resolve(relative);
        Files.createDirectories(target.getParent());
        Files.copy(source, target);
    }

    /** The files under {@code root}, relative, sorted, and any staging folder (.*.part) even when empty. */
    static List<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !Files.isDirectory(p) || p.getFileName().toString().endsWith(".part"))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static String row(String file, String result) {
        return String.format(ROW, Pattern.quote(file), result);
    }

    /** The table: its header, then exactly these rows in this order. */
    private static void assertTableRows(String stdout, String... rows) {
        List<String> lines = stdout.lines().toList();
        assertTrue(lines.get(0).matches("file\\s+frames\\s+fps\\s+result"), stdout);
        assertEquals(rows.length + 2, lines.size(), stdout);
        for (int i = 0; i < rows.length; i++) {
            assertTrue(lines.get(i + 1).matches(rows[i]), "row " + (i + 1) + " is not /" + rows[i] + "/:\n" + stdout);
        }
        assertTrue(lines.get(rows.length + 1).startsWith("total: "), stdout);
    }

    /** {@code frames} of a moving pattern at 30 fps, 64x48, H.264 in the given muxer. */
    static Path encode(Path file, int frames, String muxer) {
        return CliTestSupport.encode(file, "videotestsrc pattern=ball num-buffers=" + frames
                + " ! video/x-raw,format=I420,width=64,height=48,framerate=30/1 ! x264enc speed-preset=veryfast"
                + " ! h264parse ! " + muxer);
    }
}
