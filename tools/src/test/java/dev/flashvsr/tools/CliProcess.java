package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java main class of this module run as its own process (the way {@code tools/flashvsr} runs the
 * CLI), so that tests can send it real signals. Its stderr goes to a file the test can watch.
 */
final class CliProcess implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final Path stderr;

    /**
     * Starts {@code mainClass} with the test's class path. SIGINT is reset to its default action
     * first ({@code env --default-signal}): a process started in the background by a
     * non-interactive shell inherits SIGINT ignored, and a JVM that finds it ignored keeps it so.
     */
    CliProcess(Path workDir, Class<?> mainClass, String... args) {
        // Not in workDir, where tests check that nothing else is left.
        command = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss4m",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        try {
            stderr = Files.createTempFile("flashvsr-test-stderr", ".txt");
            process = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    String stderr() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until stderr satisfies {@code condition}; fails when the process ends or time is up first. */
    void awaitStderr(String what, Predicate<String> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.test(stderr())) {
                return;
            }
            if (!process.isAlive()) {
                fail(what + ": the process ended first with exit code " + process.exitValue() + "\n" + this);
            }
            Thread.sleep(50);
        }
        fail(what + ": not seen within " + timeout.toSeconds() + " s\n" + this);
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does. */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -INT " + process.pid());
    }

    /** Waits for the exit code; kills the process and fails after {@code timeout}. */
    int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            fail("did not finish within " + timeout.toSeconds() + " s\n" + this);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return String.join(" ", command) + "\n--- stderr ---\n" + stderr();
    }
}
