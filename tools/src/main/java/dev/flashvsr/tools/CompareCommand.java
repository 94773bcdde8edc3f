package dev.flashvsr.tools;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.freedesktop.gstreamer.Fraction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flashvsr compare A B OUT}: one frame (OUT.png) or a whole video (OUT.mp4, OUT.mkv) of two
 * upscales of the same source, split-screen or side by side, labelled. The output is written
 * staged ({@link InterruptibleWrite}): nothing is left at OUT when the command fails or is stopped.
 */
@Command(name = "compare",
        mixinStandardHelpOptions = true,
        description = {"Show two upscales of the same source in one picture or video: split-screen (the left half "
                + "of A, the right half of B, a white line between) or side by side, each labelled.",
                "A and B are videos or images GStreamer decodes. When B's size differs from A's, B is resized to "
                        + "A's (bicubic) and a note says so. A video compares frame by frame up to the shorter "
                        + "input (a warning names the longer one) at A's frame rate."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:an input cannot be decoded, --frame is past its end, or encoding failed",
                "2:bad arguments (missing input, unknown output type or mode)", "130:stopped by Ctrl-C; nothing written"})
public final class CompareCommand implements Callable<Integer> {

    /** Frame rate of a video made from two still images. */
    private static final Fraction STILL_RATE = new Fraction(25, 1);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "First upscale (video or image); left or left half.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "Second upscale (video or image); right or right half.")
    Path b;

    @Parameters(index = "2", paramLabel = "OUT",
            description = "OUT.png for one frame, OUT.mp4 or OUT.mkv (H.264) for the whole video; replaced if it "
                    + "exists.")
    Path output;

    @Option(names = "--mode", paramLabel = "split|side-by-side", defaultValue = "split",
            description = "split (default): A's size, left half A, right half B; side-by-side: twice A's width.")
    String mode;

    @Option(names = "--frame", paramLabel = "N", defaultValue = "0",
            description = "Frame shown in a .png, counting from 0 (default: ${DEFAULT-VALUE}).")
    int frame;

    @Option(names = "--labels", paramLabel = "A,B",
            description = "Labels drawn on the picture, comma-separated (default: the file names); empty to draw "
                    + "none, e.g. --labels ,")
    String labels;

    @Override
    public Integer call() {
        ComparisonFrame.Mode chosen = parseMode();
        boolean still = validateOutput();
        checkInput(a, "A");
        checkInput(b, "B");
        if (frame < 0) {
            throw CliException.usage("--frame must not be negative, got " + frame);
        }
        if (!still && frame != 0) {
            throw CliException.usage("--frame is for a .png still; a video compares every frame");
        }
        List<String> names = parseLabels();
        ComparisonFrame composer = new ComparisonFrame(chosen, names.get(0), names.get(1));
        PrintWriter err = spec.commandLine().getErr();
        int code = InterruptibleWrite.run(output.toAbsolutePath(), false, err, target -> {
            try (FrameReader readerA = new FrameReader(a, "A (" + a + ")");
                    FrameReader readerB = new FrameReader(b, "B (" + b + ")")) {
                Comparison comparison = new Comparison(readerA, readerB, composer, err);
                if (still) {
                    writeStill(comparison, target);
                } else {
                    writeVideo(comparison, target);
                }
            }
        });
        if (code == FlashVsrCli.EXIT_OK) {
            spec.commandLine().getOut().println("Comparison written to " + output);
        }
        return code;
    }

    private void writeStill(Comparison comparison, Path file) throws IOException, InterruptedException {
        for (int i = 0; i < frame; i++) {
            if (!comparison.skip()) {
                throw CliException.failure(comparison.shortInput() + " has only " + i + " frame" + (i == 1 ? "" : "s")
                        + "; --frame " + frame + " is past its end (frames count from 0)");
            }
        }
        BufferedImage picture = comparison.next();
        if (picture == null) {
            throw CliException.failure(comparison.shortInput() + " has only " + frame + " frame"
                    + (frame == 1 ? "" : "s") + "; --frame " + frame + " is past its end (frames count from 0)");
        }
        ImageIO.write(picture, "png", file.toFile());
    }

    private static void writeVideo(Comparison comparison, Path file) throws InterruptedException {
        BufferedImage picture = comparison.next();
        if (picture == null) {
            throw CliException.failure(comparison.shortInput() + " has no frames");
        }
        Fraction rate = comparison.rate();
        if (rate == null || rate.numerator <= 0 || rate.denominator <= 0) {
            rate = STILL_RATE;
        }
        try (FrameWriter writer = new FrameWriter(file, picture.getWidth(), picture.getHeight(), rate)) {
            while (picture != null) {
                writer.write(picture);
                picture = comparison.next();
            }
            comparison.warnIfLengthsDiffer();
            writer.finish();
        }
    }

    private ComparisonFrame.Mode parseMode() {
        return switch (mode) {
            case "split" -> ComparisonFrame.Mode.SPLIT;
            case "side-by-side" -> ComparisonFrame.Mode.SIDE_BY_SIDE;
            default -> throw CliException.usage("--mode must be split or side-by-side, not '" + mode + "'");
        };
    }

    /** Whether OUT is a still (.png); otherwise a video (.mp4, .mkv). */
    private boolean validateOutput() {
        String name = output.getFileName() == null ? "" : output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".png") && !name.endsWith(".mp4") && !name.endsWith(".mkv")) {
            throw CliException.usage("output '" + output + "' must end in .png (one frame), .mp4 or .mkv (video)");
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw CliException.usage("the folder of output '" + output + "' does not exist");
        }
        if (Files.isDirectory(output)) {
            throw CliException.usage("output '" + output + "' is a folder; name a file");
        }
        return name.endsWith(".png");
    }

    private static void checkInput(Path file, String which) {
        if (!Files.exists(file)) {
            throw CliException.usage(which + " '" + file + "' does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw CliException.usage(which + " '" + file + "' is not a readable file");
        }
    }

    private List<String> parseLabels() {
        if (labels == null) {
            return List.of(a.getFileName().toString(), b.getFileName().toString());
        }
        String[] parts = labels.split(",", -1);
        if (parts.length != 2) {
            throw CliException.usage("--labels takes two labels separated by one comma (A,B), got '" + labels + "'");
        }
        return List.of(parts[0].strip(), parts[1].strip());
    }
}
