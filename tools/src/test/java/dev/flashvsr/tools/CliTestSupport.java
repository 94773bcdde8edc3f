package dev.flashvsr.tools;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;

/** Runs the CLI in this JVM and inspects the files it writes. */
public final class CliTestSupport {

    private CliTestSupport() {
    }

    public record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    public static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = FlashVsrCli.execute(o, e, args);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A small synthetic photo with gradients, edges and fine stripes, written as photo.png. */
    static Path writePhoto(Path dir, int width, int height) throws IOException {
        return writePhoto(dir, "photo.png", width, height);
    }

    /** As {@link #writePhoto(Path, int, int)}, under the given file name. */
    public static Path writePhoto(Path dir, String name, int width, int height) throws IOException {
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

    /** Makes a clip with make-sample from a synthetic photo. */
    static Path makeClip(Path dir, String name, int width, int height, int frames) throws IOException {
        Path photo = writePhoto(dir, 400, 300);
        Path clip = dir.resolve(name);
        Result r = run("make-sample", clip.toString(), "--photo", photo.toString(), "--width",
                Integer.toString(width), "--height", Integer.toString(height), "--frames", Integer.toString(frames));
        if (r.code() != 0) {
            throw new IllegalStateException("make-sample failed: " + r);
        }
        return clip;
    }

    /**
     * Encodes a moving test pattern as H.264 with B-frames (x264's veryfast) in an MP4 whose index is
     * at the front (faststart), so that the file still declares its length when cut short.
     */
    static Path encodeClip(Path file, int width, int height, int frames) {
        return encode(file, String.format(Locale.ROOT, "videotestsrc pattern=ball num-buffers=%d"
                + " ! video/x-raw,format=I420,width=%d,height=%d,framerate=30/1"
                + " ! x264enc speed-preset=veryfast key-int-max=30 ! h264parse ! mp4mux faststart=true", frames, width,
                height));
    }

    /** One second of a tone as a WAV file: a file with no video stream. */
    static Path encodeAudio(Path file) {
        return encode(file, "audiotestsrc num-buffers=44 ! audio/x-raw,rate=44100 ! wavenc");
    }

    /** Runs {@code pipeline ! filesink location=file} to its end. */
    static Path encode(Path file, String pipeline) {
        GstSupport.init();
        runToEnd(new PipelineRun((Pipeline) Gst.parseLaunch(pipeline + " ! filesink location=\"" + file + "\"")),
                file);
        return file;
    }

    /** Plays a pipeline that writes or reads {@code file} until EOS; fails naming the file on an error. */
    static void runToEnd(PipelineRun run, Path file) {
        try {
            run.setState(State.PLAYING);
            while (!run.await(1000)) {
                // until EOS or an error
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            run.close();
        }
        if (!run.reachedEndOfStream()) {
            throw new IllegalStateException("the pipeline on " + file + " failed: " + run.failure());
        }
    }

    /** What a decoded video file contains. */
    record VideoInfo(int frames, int width, int height) {
    }

    /** Decodes a file with {@link FrameReader} and counts its frames. */
    static VideoInfo decode(Path file) {
        try (FrameReader reader = new FrameReader(file, file.toString())) {
            int frames = 0;
            int width = 0;
            int height = 0;
            for (BufferedImage frame = reader.next(); frame != null; frame = reader.next()) {
                width = frame.getWidth();
                height = frame.getHeight();
                frames++;
            }
            return new VideoInfo(frames, width, height);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
