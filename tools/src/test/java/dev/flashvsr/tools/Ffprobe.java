package dev.flashvsr.tools;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ffmpeg's reader, independent of ours: the chapters {@code ffprobe -show_chapters -of json} finds
 * in a file. Used beside {@link Mp4Chapters#read}, so a test without ffprobe still checks something.
 */
final class Ffprobe {
    /** One chapter's object: its time base, its start in that base and its title (tests' titles need no escapes). */
    private static final Pattern CHAPTER = Pattern.compile(
            "\"time_base\": \"(\\d+)/(\\d+)\",\\s*\"start\": (\\d+),.*?\"title\": \"([^\"]*)\"", Pattern.DOTALL);

    private Ffprobe() {
    }

    /** Whether ffprobe is on the PATH; when not, say so once per call site and check with our own reader only. */
    static boolean present() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "ffprobe"))) {
                return true;
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            // CI installs ffmpeg (scripts/install-deps.sh): there the independent check must run
            throw new IllegalStateException("ffprobe is not installed under CI=true: run scripts/install-deps.sh");
        }
        System.err.println("ffprobe is not installed (apt-get install ffmpeg): chapters are checked with our own"
                + " reader only");
        return false;
    }

    /** The file's chapters as ffprobe reads them, starts in nanoseconds. */
    static List<Mp4Chapters.Chapter> chapters(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_chapters", "-of", "json", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffprobe failed on " + file + ": " + json);
        }
        List<Mp4Chapters.Chapter> chapters = new ArrayList<>();
        Matcher m = CHAPTER.matcher(json);
        while (m.find()) {
            BigInteger ns = new BigInteger(m.group(3)).multiply(new BigInteger(m.group(1)))
                    .multiply(BigInteger.valueOf(1_000_000_000L)).divide(new BigInteger(m.group(2)));
            chapters.add(new Mp4Chapters.Chapter(m.group(4), ns.longValueExact()));
        }
        return chapters;
    }
}
