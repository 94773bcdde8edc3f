package dev.flashvsr.tools;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.elements.AppSrc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flashvsr make-sample OUT}: renders a slow pan across a photo and encodes it as a small,
 * reproducible H.264 MP4 (the bundled examples/sample-320x180.mp4 is made this way).
 */
@Command(name = "make-sample",
        mixinStandardHelpOptions = true,
        description = {"Render a slow, smooth pan across a photo and encode it to an H.264 MP4.",
                "Frames are area-averaged (linear light) from the photo, so they are clean low-resolution",
                "views of it; the same photo and options always give the same frames."})
final class MakeSampleCommand implements Callable<Integer> {

    /** A CC0-1.0 photo from Debian's lomiri-wallpapers-16.04 package (see examples/SAMPLE.md). */
    static final String DEFAULT_PHOTO = "/usr/share/backgrounds/seeding_by_Clements_Engelhardt.jpg";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUT",
            description = "Output file (.mp4); replaced if it exists, once the new clip is complete.")
    Path output;

    @Option(names = "--photo", paramLabel = "PATH", defaultValue = DEFAULT_PHOTO,
            description = "Photo to pan across, any format javax.imageio reads (default: ${DEFAULT-VALUE}).")
    Path photo;

    @Option(names = "--width", defaultValue = "320", description = "Frame width (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "180", description = "Frame height (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--frames", defaultValue = "120", description = "Number of frames (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--fps", defaultValue = "30", description = "Frames per second (default: ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--source-scale", paramLabel = "S", defaultValue = "6",
            description = "Photo pixels averaged into one output pixel, per axis; lowered when the photo is"
                    + " too small for the pan (default: ${DEFAULT-VALUE}).")
    double sourceScale;

    @Option(names = "--pan-speed", paramLabel = "PX", defaultValue = "0.6",
            description = "Horizontal pan speed in output pixels per frame, with a quarter of it as vertical"
                    + " drift (default: ${DEFAULT-VALUE}).")
    double panSpeed;

    @Option(names = "--zoom", paramLabel = "Z", defaultValue = "1.0",
            description = "Magnification reached by the last frame, e.g. 1.1 for a gentle zoom in"
                    + " (default: ${DEFAULT-VALUE}, no zoom).")
    double zoom;

    @Option(names = "--focus-x", paramLabel = "FX", defaultValue = "0.36",
            description = "Centre of the pan as a fraction of the photo width (default: ${DEFAULT-VALUE}).")
    double focusX;

    @Option(names = "--focus-y", paramLabel = "FY", defaultValue = "0.36",
            description = "Centre of the pan as a fraction of the photo height (default: ${DEFAULT-VALUE}).")
    double focusY;

    @Option(names = "--quality", paramLabel = "Q", defaultValue = "20",
            description = "x264 quantizer for constant quality, 0-50, lower is better (default: ${DEFAULT-VALUE}).")
    int quality;

    @Override
    public Integer call() {
        validate();
        Path out = OutputPaths.inExistingParent(output, "OUT");
        if (Files.isDirectory(out) || OutputPaths.sameFile(photo, out)) {
            throw CliException.usage("OUT '" + output + "' is a folder or the photo; name a new .mp4 file");
        }
        Path shown = output.toAbsolutePath().normalize();
        PrintWriter err = spec.commandLine().getErr();

        BufferedImage image;
        try {
            image = ImageIO.read(photo.toFile());
        } catch (IOException e) {
            throw CliException.failure("cannot read photo '" + photo + "': " + e.getMessage());
        }
        if (image == null) {
            throw CliException.usage("'" + photo + "' is not an image format javax.imageio can read");
        }
        PanRenderer renderer;
        try {
            renderer = new PanRenderer(image, width, height, frames, sourceScale, panSpeed, focusX, focusY, zoom);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        image = null; // the renderer keeps only the region it needs

        GstSupport.init();
        long started = System.nanoTime();
        // Ctrl-C discards the unfinished clip (an MP4 without its index); an existing OUT stays as it was.
        int code = InterruptibleWrite.run(out, false, err, target -> {
            encode(renderer, target);
            Mp4Times.clear(target);
        });
        if (code != FlashVsrCli.EXIT_OK) {
            return code;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long size;
        try {
            size = Files.size(out);
        } catch (IOException e) {
            size = -1;
        }
        err.printf(Locale.ROOT, "flashvsr: wrote %d frames %dx%d at %d fps (%.2f photo px per pixel) in %.1f s"
                + " -> %s (%s)%n", frames, width, height, fps, renderer.sourceScale(), seconds, shown,
                UpscaleCommand.humanSize(size));
        err.flush();
        return FlashVsrCli.EXIT_OK;
    }

    private void validate() {
        if (width < 16 || height < 16 || width > 7680 || height > 4320) {
            throw CliException.usage("--width and --height must be between 16x16 and 7680x4320");
        }
        if (width % 2 != 0 || height % 2 != 0) {
            throw CliException.usage("--width and --height must be even (the clip is 4:2:0 H.264)");
        }
        if (frames < 1) {
            throw CliException.usage("--frames must be at least 1");
        }
        if (fps < 1 || fps > 240) {
            throw CliException.usage("--fps must be between 1 and 240");
        }
        if (!(sourceScale >= 1) || !(panSpeed >= 0) || !(zoom >= 1) || zoom > 4) {
            throw CliException.usage("--source-scale must be >= 1, --pan-speed >= 0 and --zoom between 1 and 4");
        }
        if (!(focusX >= 0 && focusX <= 1 && focusY >= 0 && focusY <= 1)) {
            throw CliException.usage("--focus-x and --focus-y must be between 0 and 1");
        }
        if (quality < 0 || quality > 50) {
            throw CliException.usage("--quality must be between 0 and 50");
        }
        if (!Files.isRegularFile(photo)) {
            throw CliException.usage("photo '" + photo + "' does not exist");
        }
        String name = output.getFileName() == null ? "" : output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".mp4")) {
            throw CliException.usage("output file '" + output + "' must end in .mp4");
        }
    }

    /** appsrc (RGB) ! videoconvert ! I420 ! x264enc ! h264parse ! mp4mux ! filesink. */
    private void encode(PanRenderer renderer, Path out) throws InterruptedException {
        Pipeline pipeline = new Pipeline("flashvsr-make-sample");
        PipelineRun run = new PipelineRun(pipeline);
        boolean ok = false;
        try {
            AppSrc src = (AppSrc) GstSupport.make("appsrc", "frames");
            src.setCaps(Caps.fromString(String.format(Locale.ROOT,
                    "video/x-raw,format=RGB,width=%d,height=%d,framerate=%d/1,pixel-aspect-ratio=1/1,"
                            + "interlace-mode=progressive,colorimetry=sRGB",
                    width, height, fps)));
            GstSupport.setArg(src, "format", "time");
            GstSupport.setArg(src, "stream-type", "stream");
            src.set("block", true);
            src.set("is-live", false);
            src.setMaxBytes(4L * renderer.stride() * height);
            Element convert = GstSupport.make("videoconvert", "convert");
            Element i420 = GstSupport.make("capsfilter", "i420");
            i420.set("caps", Caps.fromString("video/x-raw,format=I420"));
            Element encode = GstSupport.make("x264enc", "encode");
            // One thread and fixed settings make x264's output depend on the frames only. The
            // macroblock tree also reads memory it never wrote (x264 0.164: the bitstream then
            // changes with whatever the heap held before, e.g. on a second run in one JVM), so
            // it is off; at the same quantizer that even makes the file a little smaller.
            GstSupport.setArg(encode, "threads", "1");
            GstSupport.setArg(encode, "mb-tree", "false");
            GstSupport.setArg(encode, "pass", "qual");
            GstSupport.setArg(encode, "quantizer", Integer.toString(quality));
            GstSupport.setArg(encode, "speed-preset", "slower");
            GstSupport.setArg(encode, "key-int-max", Integer.toString(fps * 2));
            Element parse = GstSupport.make("h264parse", "parse");
            Element mux = GstSupport.make("mp4mux", "mux");
            Element sink = GstSupport.make("filesink", "sink");
            sink.set("location", out.toString());
            pipeline.addMany(src, convert, i420, encode, parse, mux, sink);
            if (!Element.linkMany(src, convert, i420, encode, parse, mux, sink)) {
                throw CliException.failure("cannot link the encoding pipeline");
            }

            if (run.setState(State.PLAYING)) {
                int stride = renderer.stride();
                for (int i = 0; i < renderer.frames() && !run.isFinished() && !Thread.currentThread().isInterrupted();
                        i++) {
                    byte[] rgb = renderer.render(i);
                    Buffer buffer = new Buffer(rgb.length);
                    ByteBuffer data = buffer.map(true);
                    data.put(rgb);
                    buffer.unmap();
                    long pts = timestamp(i);
                    buffer.setPresentationTimestamp(pts);
                    buffer.setDuration(timestamp(i + 1) - pts);
                    FlowReturn flow = src.pushBuffer(buffer);
                    if (flow != FlowReturn.OK) {
                        break;
                    }
                    assert rgb.length == stride * height;
                }
                src.endOfStream();
                while (!run.await(60_000)) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException();
                    }
                }
            }
            ok = run.reachedEndOfStream();
        } finally {
            run.close();
        }
        if (!ok) {
            GstSupport.MessageText f = run.failure();
            throw new CliException(FlashVsrCli.EXIT_FAILURE,
                    f == null ? "encoding stopped before the end" : f.message(),
                    f == null || f.debug() == null ? null : "flashvsr: debug: " + f.debug());
        }
    }

    private long timestamp(long frame) {
        return frame * 1_000_000_000L / fps;
    }
}
