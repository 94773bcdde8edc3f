package dev.flashvsr.element.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Processes for the example tests: scripts, GStreamer command line tools and the test servers,
 * each with its output in a file and a deadline after which it is killed with its children.
 */
final class ExampleProcesses {
    private ExampleProcesses() {
    }

    /** A started process; closing it kills it and every process it started. */
    static final class Background implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Path log;

        Background(Path workDir, Map<String, String> env, List<String> command) {
            this.command = command;
            try {
                log = Files.createTempFile(workDir, "process", ".log");
                ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                builder.environment().putAll(env);
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + command, e);
            }
        }

        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits until the output satisfies {@code condition}; fails when the process ends or time is up first. */
        String awaitOutput(String what, Predicate<String> condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String output = output();
                if (condition.test(output)) {
                    return output;
                }
                if (!process.isAlive()) {
                    fail(what + ": " + command + " ended with exit code " + process.exitValue() + ":\n" + output());
                }
                Thread.sleep(50);
            }
            return fail(what + ": not seen within " + timeout.toSeconds() + " s from " + command + ":\n" + output());
        }

        /** Waits for the exit code; kills the process and fails after {@code timeout}. */
        int await(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                fail(command + " did not finish within " + timeout.toSeconds() + " s:\n" + output());
            }
            return process.exitValue();
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** Runs a command to its end and returns its output; fails on a non-zero exit code or the timeout. */
    static String run(Path workDir, Map<String, String> env, Duration timeout, List<String> command)
            throws InterruptedException {
        try (Background process = new Background(workDir, env, command)) {
            int exitCode = process.await(timeout);
            String output = process.output();
            assertEquals(0, exitCode, () -> command + " failed:\n" + output);
            return output;
        }
    }

    private static final Pattern FRAME_LINE = Pattern.compile("last-message = chain");

    /** Number of lines a fakesink with silent=false under gst-launch-1.0 -v printed for buffers. */
    static int framesSeen(String gstLaunchVerboseOutput) {
        Matcher m = FRAME_LINE.matcher(gstLaunchVerboseOutput);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
