package dev.flashvsr.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.tools.FlashVsrCli;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = FlashVsrCli.execute(o, e, args);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A small synthetic photo: gradient, thin diagonal lines and a disc. */
    private Path photo(String name, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(20, 60, 140), width, height, new Color(240, 200, 80)));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        for (int x = 0; x < width; x += 7) {
            g.drawLine(x, 0, x + height / 3, height);
        }
        g.setColor(new Color(200, 30, 30));
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void evaluatesBicubicOnOneImageAndPrintsTheTable() throws IOException {
        Path image = photo("small.png", 96, 80);
        Path csv = dir.resolve("scores.csv");
        Result r = run("eval", "--model", "bicubic", "--images", image.toString(), "--frames", "3", "--csv",
                csv.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("PSNR-Y") && r.out().contains("SSIM-Y") && r.out().contains("temp.err"), r::toString);
        assertTrue(r.out().contains("small.png"), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("mean")), r::toString);
        assertTrue(r.out().contains("Summary, x4"), r::toString);
        assertTrue(r.out().contains("at most 512x512 HR pixels"), r::toString);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(1).startsWith("4,clean,bicubic,small.png,64,64,3,"), lines.get(1));
    }

    @Test
    void h264InputIsEvaluatedToo() throws IOException {
        Path image = photo("tiny.png", 80, 64);
        Result r = run("eval", "--model", "bicubic", "--images", image.toString(), "--frames", "3", "--scale", "2",
                "--h264", "200", "--quiet");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("x264enc 200 kbit/s"), r::toString);
        assertTrue(r.out().contains("h264-200kbps"), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    @Test
    void badArgumentsAreUsageErrorsAndBadImagesFailures() throws IOException {
        Path image = photo("p.png", 96, 80);
        assertEquals(2, run("eval", "--scale", "3", "--images", image.toString()).code());
        assertEquals(2, run("eval", "--frames", "0", "--images", image.toString()).code());
        Result missing = run("eval", "--images", dir.resolve("nope.png").toString());
        assertEquals(1, missing.code(), missing::toString);
        assertTrue(missing.err().contains("nope.png"), missing::toString);
        Result unknown = run("eval", "--model", "no-such-model", "--images", image.toString(), "--frames", "2");
        assertEquals(1, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("no-such-model"), unknown::toString);
        Path small = photo("small.png", 20, 20);
        Result tooSmall = run("eval", "--images", small.toString());
        assertEquals(1, tooSmall.code(), tooSmall::toString);
        assertTrue(tooSmall.err().contains("too small"), tooSmall::toString);
    }
}
