package dev.flashvsr.element.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs real GStreamer processes (gst-launch-1.0, gst-inspect-1.0, test programs) against the
 * plugin directory that the build assembles in {@code target/gst-plugin}, each with a private
 * registry file and a timeout.
 */
final class LoaderProcesses {
    static final String LIBRARY = "libgstflashvsr.so";
    static final String CONFIG = "flashvsr.conf";

    /** GST debug line of the loader when it has created a JVM (see gstflashvsrloader.c). */
    static final Pattern JVM_BOOTED = Pattern.compile("JVM booted in ([0-9.]+) ms in (\\S+) \\(pid (\\d+)\\)");
    static final Pattern PLUGIN_INIT = Pattern.compile(
            "plugin_init in (\\S+) \\(pid \\d+\\) took ([0-9.]+) ms \\(JVM created in ([0-9.]+) ms\\)");
    static final Pattern EXECUTION_ENDED = Pattern.compile("Execution ended after (\\d+):(\\d+):(\\d+)\\.(\\d+)");
    /** A buffer reaching {@code fakesink silent=false} in gst-launch-1.0 -v's output, with its size. */
    private static final Pattern SINK_BUFFER = Pattern.compile("\\(fakesink0:sink\\) \\((\\d+) bytes,");

    private LoaderProcesses() {
    }

    /** What a finished (or killed) process left behind. */
    record Result(List<String> command, int exitCode, boolean timedOut, Duration elapsed, String stdout,
            String stderr) {
        String all() {
            return stdout + "\n" + stderr;
        }

        /** For assertion messages. */
        String describe() {
            String out = all();
            if (out.length() > 6000) {
                out = out.substring(0, 2000) + "\n[...]\n" + out.substring(out.length() - 4000);
            }
            return String.join(" ", command) + "\n  exit " + exitCode + (timedOut ? " (timed out, killed)" : "")
                    + " after " + elapsed.toMillis() + " ms\n" + out;
        }

        List<Double> matches(Pattern pattern, int group) {
            List<Double> values = new ArrayList<>();
            Matcher m = pattern.matcher(all());
            while (m.find()) {
                values.add(Double.parseDouble(m.group(group)));
            }
            return values;
        }

        /** Number of JVMs created, by process name (gst-plugin-scanner, gst-launch-1.0, ...). */
        long jvmBoots(String processName) {
            Matcher m = JVM_BOOTED.matcher(all());
            long n = 0;
            while (m.find()) {
                if (processName == null || m.group(2).equals(processName)) {
                    n++;
                }
            }
            return n;
        }

        /** gst-launch-1.0's "Execution ended after" (playing to EOS), in nanoseconds; -1 if absent. */
        long executionNanos() {
            Matcher m = EXECUTION_ENDED.matcher(stdout);
            if (!m.find()) {
                return -1;
            }
            String frac = (m.group(4) + "000000000").substring(0, 9);
            return ((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60
                    + Long.parseLong(m.group(3))) * 1_000_000_000L + Long.parseLong(frac);
        }
    }

    static Path pluginDir() {
        String dir = System.getProperty("flashvsr.gstPluginDir");
        return (dir != null ? Path.of(dir) : Path.of("target", "gst-plugin")).toAbsolutePath();
    }

    /** Skips the calling test unless the build assembled the plugin directory. */
    static Path requirePluginDir() {
        Path dir = pluginDir();
        assumeTrue(Files.isRegularFile(dir.resolve(LIBRARY)) && Files.isRegularFile(dir.resolve(CONFIG)),
                "The GStreamer plugin directory " + dir + " was not built (it is assembled in the"
                        + " process-classes phase by src/main/native/build-plugin.sh; skipped with"
                        + " -Dmaven.antrun.skip): loader tests skipped");
        return dir;
    }

    static Path sourceDir(String property, String fallback) {
        String dir = System.getProperty(property);
        return (dir != null ? Path.of(dir) : Path.of(fallback)).toAbsolutePath();
    }

    /**
     * Environment for a GStreamer process: the inherited one without GST debug/registry/plugin
     * path settings and FLASHVSR_* variables, plus the plugin directory and a private registry.
     */
    static Map<String, String> gstEnv(Path pluginDir, Path registry) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("FLASHVSR_") || k.startsWith("GST_DEBUG")
                || k.startsWith("GST_REGISTRY") || k.startsWith("GST_PLUGIN_PATH"));
        env.put("GST_PLUGIN_PATH", pluginDir.toString());
        env.put("GST_REGISTRY", registry.toString());
        env.put("GST_DEBUG", "flashvsrloader:4");
        env.put("GST_DEBUG_NO_COLOR", "1");
        return env;
    }

    static Result run(Map<String, String> env, Duration timeout, String... command) {
        return run(env, timeout, null, List.of(command));
    }

    static Result run(Map<String, String> env, Duration timeout, List<String> command) {
        return run(env, timeout, null, command);
    }

    /**
     * Runs a command to completion or until {@code timeout} (then kills it and its children).
     * {@code whileRunning}, if given, is called once the process started, with the process and
     * a reader of its output so far.
     */
    static Result run(Map<String, String> env, Duration timeout, ProcessCallback whileRunning,
            List<String> command) {
        try {
            Path out = Files.createTempFile("flashvsr-loader-test", ".out");
            Path err = Files.createTempFile("flashvsr-loader-test", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command);
                pb.environment().clear();
                pb.environment().putAll(env);
                pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                pb.redirectOutput(out.toFile());
                pb.redirectError(err.toFile());
                long start = System.nanoTime();
                Process p = pb.start();
                boolean timedOut = false;
                try {
                    if (whileRunning != null) {
                        try {
                            whileRunning.accept(p, () -> read(out) + "\n" + read(err), start + timeout.toNanos());
                        } catch (InterruptedException | RuntimeException e) {
                            throw e;
                        } catch (Exception e) {
                            throw new IllegalStateException("while " + command + " ran", e);
                        }
                    }
                    long left = start + timeout.toNanos() - System.nanoTime();
                    if (!p.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
                        timedOut = true;
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly();
                        p.waitFor(10, TimeUnit.SECONDS);
                    }
                } finally {
                    if (p.isAlive()) {
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly();
                    }
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                return new Result(command, timedOut ? -1 : p.exitValue(), timedOut, elapsed, read(out), read(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    interface ProcessCallback {
        void accept(Process process, OutputSoFar output, long deadlineNanos) throws Exception;
    }

    interface OutputSoFar {
        String get();
    }

    /** Waits until the output so far satisfies {@code condition}; false at the deadline. */
    static boolean awaitOutput(Process p, OutputSoFar output, Predicate<String> condition, long deadlineNanos)
            throws InterruptedException {
        while (System.nanoTime() < deadlineNanos) {
            if (condition.test(output.get())) {
                return true;
            }
            if (!p.isAlive()) {
                return condition.test(output.get());
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            try {
                return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            } catch (IOException e2) {
                return "<cannot read " + file + ": " + e2 + ">";
            }
        }
    }

    /** Fails unless the process ended by itself without a crash, a hang or the JVM's fatal-error report. */
    static void assertNoCrash(Result r) {
        assertFalse(r.timedOut(), () -> "timed out (hang?): " + r.describe());
        // Java reports death by signal N as 128 + N; gst-launch-1.0 exits with -1 (255) on errors
        assertFalse(r.exitCode() > 128 && r.exitCode() <= 128 + 64, () -> "killed by a signal: " + r.describe());
        for (String sign : List.of("Caught SIGSEGV", "Spinning.  Please run", "A fatal error has been detected",
                "hs_err_pid", "Caught a segmentation fault", "core dumped")) {
            assertFalse(r.all().contains(sign), () -> "crash sign '" + sign + "': " + r.describe());
        }
    }

    /** The number of buffers fakesink0 printed (gst-launch-1.0 -v, silent=false); each must have {@code bytes}. */
    static int sinkBuffers(Result r, long bytes) {
        Matcher buffers = SINK_BUFFER.matcher(r.stdout());
        int count = 0;
        while (buffers.find()) {
            assertEquals(bytes, Long.parseLong(buffers.group(1)), r::describe);
            count++;
        }
        return count;
    }

    static void assertSucceeded(Result r) {
        assertNoCrash(r);
        if (r.exitCode() != 0) {
            fail("exit code " + r.exitCode() + ": " + r.describe());
        }
    }

    /** Copies the plugin directory (library, config, jars) to {@code target}. */
    static Path copyPluginDir(Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(pluginDir())) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f)) {
                        Files.copy(f, target.resolve(f.getFileName()));
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A program followed by blank-separated arguments (no quoting; fine for gst-launch pipelines). */
    static List<String> command(String program, String arguments) {
        List<String> cmd = new ArrayList<>();
        cmd.add(program);
        cmd.addAll(List.of(arguments.trim().split("\\s+")));
        return cmd;
    }
}
