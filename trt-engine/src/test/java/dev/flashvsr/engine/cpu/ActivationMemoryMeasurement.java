package dev.flashvsr.engine.cpu;

import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures ONNX Runtime's own memory (activations, its arena and memory patterns) per input pixel
 * for the shipped graphs, which {@link SessionMemory} uses. Off by default; run with
 * {@code mvn -pl trt-engine -am test -Dtest=ActivationMemoryMeasurement -Dflashvsr.measureMemory=true
 * -Dsurefire.failIfNoSpecifiedTests=false} (optionally {@code -Dflashvsr.measureMemory.sizes=320x180,...}).
 *
 * <p>Each point runs in a fresh JVM ({@link #main}): it loads the package, creates the session
 * as the CPU backend does, allocates and fills the graph's input, output and state buffers, resets
 * the kernel's peak-resident counter ({@code 5 > /proc/self/clear_refs}), runs the graph three
 * times and reads the peak ({@code VmHWM}). The growth is ONNX Runtime's alone: every buffer of
 * ours was touched before the reset. A least-squares line through the points gives bytes per
 * input pixel (slope) and a fixed part (intercept).
 */
@EnabledIfSystemProperty(named = "flashvsr.measureMemory", matches = "true")
class ActivationMemoryMeasurement {

    /** How a graph is run: as one session with this many threads, or as parallel bands. */
    enum Mode {
        ONE_THREAD, ALL_CORES, BANDS
    }

    @Test
    void measure() throws Exception {
        String[] sizes = System.getProperty("flashvsr.measureMemory.sizes",
                "320x180,640x360,960x540,1280x720,1920x1080").split(",");
        for (String model : List.of("vsr-small", "vsr-small-fast")) {
            for (int scale : new int[] {4, 2}) {
                for (Mode mode : Mode.values()) {
                    List<double[]> points = new ArrayList<>();
                    for (String size : sizes) {
                        String[] wh = size.split("x");
                        long growth = runChild(model, scale, Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), mode);
                        long pixels = Long.parseLong(wh[0]) * Long.parseLong(wh[1]);
                        points.add(new double[] {pixels, growth});
                        System.out.printf(Locale.ROOT, "%s x%d %s %s: %.1f MiB, %.0f bytes/pixel%n", model, scale,
                                mode, size, growth / 1048576.0, (double) growth / pixels);
                    }
                    double[] fit = leastSquares(points);
                    System.out.printf(Locale.ROOT, "FIT %s x%d %s: %.0f bytes/input pixel + %.1f MiB%n", model, scale,
                            mode, fit[0], fit[1] / 1048576.0);
                }
            }
        }
    }

    private static long runChild(String model, int scale, int width, int height, Mode mode) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                ActivationMemoryMeasurement.class.getName(), model, String.valueOf(scale), String.valueOf(width),
                String.valueOf(height), mode.name());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("measurement failed: " + out);
        }
        for (String line : out.split("\n")) {
            if (line.startsWith("GROWTH ")) {
                return Long.parseLong(line.substring(7).trim());
            }
        }
        throw new IllegalStateException("no GROWTH line in: " + out);
    }

    /** Slope and intercept of the least-squares line through (x, y) points. */
    static double[] leastSquares(List<double[]> points) {
        double n = points.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (double[] p : points) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            sxy += p[0] * p[1];
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return new double[] {slope, (sy - slope * sx) / n};
    }

    /** Resident memory when the peak counter was last reset. */
    private static long residentAtReset;

    /** Child JVM: prints "GROWTH bytes" of peak resident memory over three graph runs. */
    public static void main(String[] args) throws Exception {
        ModelPackage pkg = ModelPackage.loadResource("/dev/flashvsr/models/" + args[0] + "/");
        int scale = Integer.parseInt(args[1]);
        int width = Integer.parseInt(args[2]);
        int height = Integer.parseInt(args[3]);
        Mode mode = Mode.valueOf(args[4]);
        ModelManifest.Graph graph = pkg.manifest().graphFor(scale).orElseThrow();
        int cores = Runtime.getRuntime().availableProcessors();
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions(mode == Mode.ALL_CORES ? cores : 1);
                OrtSession session = OrtRuntime.ENV.createSession(pkg.graph(graph), options)) {
            if (mode == Mode.BANDS) {
                BandPlan plan = BandPlan.of(height, graph.receptiveField(), cores, SessionLayout.MIN_BAND_ROWS);
                try (BandedUpscaler banded = new BandedUpscaler(session, graph, plan, width,
                        Colorimetry.defaultFor(PixelFormat.RGB, height))) {
                    resetPeak();
                    for (int i = 0; i < 3; i++) {
                        banded.runGraphsOnce();
                    }
                }
            } else {
                TileRunner runner = new TileRunner(session, graph, height, width);
                fill(runner.input());
                resetPeak();
                for (int i = 0; i < 3; i++) {
                    runner.run();
                }
            }
            System.out.println("GROWTH " + (peakBytes() - residentAtReset));
        }
    }

    private static void fill(FloatBuffer buffer) {
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, (i % 251) / 251f);
        }
    }

    private static void resetPeak() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        residentAtReset = status("VmRSS:");
    }

    private static long peakBytes() throws IOException {
        return status("VmHWM:");
    }

    private static long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no " + key + " in /proc/self/status");
    }
}
