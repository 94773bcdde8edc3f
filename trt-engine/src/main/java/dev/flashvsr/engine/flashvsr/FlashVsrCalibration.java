package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.flashvsr.graph.LinearQuantization;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Calibrates a FlashVSR package for int8: runs the float32 model on a stream of low-res frames,
 * measures the range of every quantized DiT Linear input ({@link LinearQuantization#layerNames})
 * and writes the ranges into the package ({@link Int8Scales}, recorded in its manifest), after
 * which {@code precision=int8} opens W8A8 graphs built with those scales.
 *
 * <p>The stream runs as a session does (chunk 0, then a chunk every 8 frames, the last one padded)
 * with fixed noise (seed {@value #NOISE_SEED}) and no colour fix, so the same frames give the same
 * file byte for byte. Ranges are the largest |x| over all DiT calls, and the largest per-call
 * 99.99th percentile of |x|. Nothing is written when the stream is too short or a measured range
 * is not a positive finite number; the file and the manifest are each replaced in one rename.
 */
public final class FlashVsrCalibration {
    /** Fewest frames: chunk 0 and one later chunk, so that both DiT graphs see real frames. */
    public static final int MIN_FRAMES = ChunkSchedule.inputsFor(1);
    static final long NOISE_SEED = 0;
    /** Share of the progress spent opening (building) the calibration graphs. */
    private static final double OPEN_SHARE = 0.2;

    /** Which measured range becomes a layer's int8 input scale (range / 127). */
    public enum Method {
        /** The largest |x|: nothing clips, small values get coarser steps. */
        MAX("max"),
        /** The 99.99th percentile: the rarest outliers clip, the rest gets finer steps. */
        PERCENTILE("p99.99");

        private final String nick;

        Method(String nick) {
            this.nick = nick;
        }

        public String nick() {
            return nick;
        }

        public static Method fromNick(String nick) {
            for (Method m : values()) {
                if (m.nick.equals(nick)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("method must be max or p99.99, not '" + nick + "'");
        }
    }

    private FlashVsrCalibration() {
    }

    /**
     * Calibrates the package at {@code packageDir} on {@code frames}.
     *
     * @param packageDir a package {@code flashvsr import} wrote; its previous scales, if any, are replaced
     * @param scale      the upscale factor the package will run at (2 or 4): it sets the DiT's input size
     * @param frames     at least {@link #MIN_FRAMES} low-res frames of one size and pixel format, in
     *                   stream order; representative of what the int8 model will see
     * @param method     which range becomes the scale
     * @param progress   the steps (building the calibration graphs, then frame by frame)
     * @return the scales file written into the package
     * @throws EngineException when the package cannot be opened, the frames are too few or differ
     *                         in size, a range is not finite, or the files cannot be written
     */
    public static Path run(Path packageDir, int scale, List<VideoFrame> frames, Method method,
            OpenProgress progress) throws EngineException {
        if (frames.isEmpty()) {
            throw tooFew(0, "the frames given");
        }
        return calibrate(packageDir, scale, frames.size(), frames::get, "the frames given", i -> "frame " + i, method,
                progress);
    }

    /**
     * As {@link #run(Path, int, List, Method, OpenProgress)} on the PNG files of {@code folder}
     * ({@code *.png}, in file name order), read one at a time.
     */
    public static Path runOnPngFolder(Path packageDir, int scale, Path folder, Method method, OpenProgress progress)
            throws EngineException {
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new EngineException("cannot list the calibration frames in " + folder + ": " + e.getMessage(),
                    "Give a folder of PNG frames", e);
        }
        if (files.isEmpty()) {
            throw tooFew(0, folder.toString());
        }
        IntFunction<VideoFrame> read = i -> {
            try {
                return png(files.get(i));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + files.get(i) + " as a PNG image: "
                        + e.getMessage(), e);
            }
        };
        return calibrate(packageDir, scale, files.size(), read, folder.toString(), i -> files.get(i).toString(), method,
                progress);
    }

    /**
     * @param source    names the frames in messages ("the frames given", a folder)
     * @param frameName names frame {@code i} in messages
     */
    private static Path calibrate(Path packageDir, int scale, int count, IntFunction<VideoFrame> frames, String source,
            IntFunction<String> frameName, Method method, OpenProgress progress) throws EngineException {
        if (scale != 2 && scale != 4) {
            throw new EngineException("FlashVSR upscales by 2 or 4, not " + scale, "Calibrate at the scale the "
                    + "package will run at, 4 or 2");
        }
        if (count < MIN_FRAMES) {
            throw tooFew(count, source);
        }
        VideoFrame first = frame(frames, 0);
        StreamSpec spec = new StreamSpec(first.format(), first.width(), first.height(), scale);
        FramePreparation preparation = new FramePreparation(spec.width(), spec.height(), scale, false);
        Map<String, Int8Scales.Range> layers;
        try (FlashVsrPackage pkg = FlashVsrPackage.open(packageDir)) {
            RangeCollector ranges = new RangeCollector();
            try (FlashVsrSession session = session(pkg, spec, preparation, ranges, progress)) {
                for (int i = 0; i < count; i++) {
                    VideoFrame frame = i == 0 ? first : frame(frames, i);
                    if (frame.width() != spec.width() || frame.height() != spec.height()
                            || frame.format() != spec.format()) {
                        throw new EngineException(frameName.apply(i) + " is " + frame.width() + "x" + frame.height()
                                + " " + frame.format() + ", not " + spec.width() + "x" + spec.height() + " " + spec.format()
                                + " as the first", "Calibrate on the frames of one stream");
                    }
                    session.push(frame, renderer -> true);
                    progress.report("calibrating on frame " + (i + 1) + " of " + count,
                            OPEN_SHARE + (1 - OPEN_SHARE) * (i + 1) / count);
                }
                session.drain(renderer -> true);
            }
            layers = ranges.ranges(LinearQuantization.layerNames(pkg.config().dit().numLayers()));
        }
        byte[] json = Int8Scales.toJson(method, count, spec.width() + "x" + spec.height(), scale, layers);
        try {
            return FlashVsrPackage.recordInt8Scales(packageDir, json);
        } catch (IOException e) {
            throw new EngineException("cannot write the int8 scales into " + packageDir + ": " + e.getMessage(),
                    "Check that the package folder is writable and has free space", e);
        }
    }

    /** A session of the float32 graphs with probes, whose DiT outputs go to {@code ranges}. */
    private static FlashVsrSession session(FlashVsrPackage pkg, StreamSpec spec, FramePreparation preparation,
            RangeCollector ranges, OpenProgress progress) throws EngineException {
        int width = preparation.modelWidth();
        int height = preparation.modelHeight();
        OpenProgress opening = new OpenProgress() {
            @Override
            public void report(String step, double fraction) {
                progress.report(step, Double.isNaN(fraction) ? fraction : OPEN_SHARE * fraction);
            }

            @Override
            public void warning(String message) {
                progress.warning(message);
            }
        };
        FlashVsrGraphs graphs;
        try {
            graphs = FlashVsrGraphs.open(pkg, width, height, pkg.attention(), GraphPrecision.calibration(),
                    Runtime.getRuntime().availableProcessors(), FlashVsrModel.cache(pkg, opening::warning), opening);
        } catch (IllegalArgumentException e) {
            throw new EngineException("FlashVSR package " + pkg.folder() + " cannot run frames of " + width + "x"
                    + height + ": " + e.getMessage(), "Calibrate on frames of another size", e);
        }
        FlashVsrStream stream = new FlashVsrStream(graphs, LatentNoise.generated(NOISE_SEED,
                pkg.config().dit().inDim(), height / 8, width / 8), null);
        stream.observeDit(ranges::add);
        return new FlashVsrSession(spec, graphs, stream, preparation);
    }

    private static VideoFrame frame(IntFunction<VideoFrame> frames, int index) throws EngineException {
        try {
            return frames.apply(index);
        } catch (IllegalArgumentException e) {
            throw new EngineException(e.getMessage(), "Calibrate on readable 8-bit PNG frames of one size", e);
        }
    }

    private static EngineException tooFew(int count, String where) {
        return new EngineException("int8 calibration needs at least " + MIN_FRAMES + " frames (the first chunk and "
                + "one more), but " + where + " has " + count, "Give a longer stretch of video");
    }

    /** An 8-bit RGB frame of a PNG image (alpha dropped). */
    private static VideoFrame png(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException("not an image ImageIO can read");
        }
        VideoFrame frame = VideoFrame.allocate(PixelFormat.RGB, image.getWidth(), image.getHeight());
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int at = y * frame.stride(0) + 3 * x;
                frame.plane(0).put(at, (byte) (rgb >> 16)).put(at + 1, (byte) (rgb >> 8)).put(at + 2, (byte) rgb);
            }
        }
        return frame;
    }

    /** The largest |x| and the largest per-call percentile of each probed layer over the stream. */
    static final class RangeCollector {
        private final Map<String, float[]> seen = new LinkedHashMap<>();

        void add(Map<String, float[]> ditOutputs) {
            ditOutputs.forEach((name, values) -> {
                boolean max = name.startsWith(LinearQuantization.ABS_MAX_PREFIX);
                if (max || name.startsWith(LinearQuantization.PERCENTILE_PREFIX)) {
                    String layer = name.substring((max ? LinearQuantization.ABS_MAX_PREFIX
                            : LinearQuantization.PERCENTILE_PREFIX).length());
                    float[] range = seen.computeIfAbsent(layer, l -> new float[2]);
                    int slot = max ? 0 : 1;
                    // NaN stays NaN (Math.max), so a bad value is found below rather than hidden.
                    range[slot] = Math.max(range[slot], values[0]);
                }
            });
        }

        Map<String, Int8Scales.Range> ranges(List<String> layers) throws EngineException {
            Map<String, Int8Scales.Range> out = new LinkedHashMap<>();
            for (String layer : layers) {
                float[] range = seen.get(layer);
                if (range == null) {
                    throw new EngineException("calibration measured nothing at " + layer + "'s input",
                            "Report a bug: the calibration graphs lack that layer's probe");
                }
                try {
                    out.put(layer, new Int8Scales.Range(range[0], range[1]));
                } catch (IllegalArgumentException e) {
                    throw new EngineException("calibration measured no usable range at " + layer + "'s input ("
                            + e.getMessage() + "); nothing was written",
                            "Calibrate on other frames; NaN or infinity means the float32 model overflows on them");
                }
            }
            return out;
        }
    }
}
