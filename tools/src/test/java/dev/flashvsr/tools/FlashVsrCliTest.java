package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** How {@code flashvsr} reports what no command expected: one line, the stack trace only with --debug. */
class FlashVsrCliTest {

    /** Stands for a command with a bug or a machine without memory. */
    @Command(name = "fail")
    static final class Failing implements Callable<Integer> {
        private final Throwable failure;

        Failing(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            if (failure instanceof Exception e) {
                throw e;
            }
            throw (Error) failure;
        }
    }

    private static CliTestSupport.Result run(Throwable failure, String... args) {
        CommandLine cli = FlashVsrCli.commandLine();
        cli.addSubcommand(new Failing(failure));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = FlashVsrCli.execute(cli, o, e, args);
        }
        return new CliTestSupport.Result(code, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnexpectedExceptionIsOneLine() {
        CliTestSupport.Result r = run(new IllegalStateException("the frame queue is empty"), "fail");
        assertEquals(FlashVsrCli.EXIT_FAILURE, r.code(), r::toString);
        assertEquals("flashvsr: error: the frame queue is empty (unexpected IllegalStateException; rerun with"
                + " --debug for its stack trace)", r.err().strip());
    }

    @Test
    void debugAddsTheStackTraceBeforeOrAfterTheCommand() {
        for (String[] args : new String[][] {{"--debug", "fail"}, {"fail", "--debug"}}) {
            CliTestSupport.Result r = run(new IllegalStateException("the frame queue is empty"), args);
            assertEquals(FlashVsrCli.EXIT_FAILURE, r.code(), r::toString);
            assertTrue(r.err().startsWith("flashvsr: error: the frame queue is empty\n"), r::toString);
            assertTrue(r.err().contains("java.lang.IllegalStateException: the frame queue is empty"), r::toString);
            assertTrue(r.err().contains("\tat dev.flashvsr.tools.FlashVsrCliTest"), r::toString);
        }
    }

    @Test
    void outOfMemoryIsOneLineWithWhatToDo() {
        CliTestSupport.Result r = run(new OutOfMemoryError("Java heap space"), "fail");
        assertEquals(FlashVsrCli.EXIT_FAILURE, r.code(), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertTrue(r.err().startsWith("flashvsr: error: out of memory (Java heap space); give Java more with"
                + " FLASHVSR_JAVA_OPTS=-Xmx"), r::toString);
    }

    @Test
    void fileErrorsSayWhatIsWrong() {
        CliTestSupport.Result r = run(new java.nio.file.NoSuchFileException("/models/x4.onnx"), "fail");
        assertTrue(r.err().startsWith("flashvsr: error: no such file or folder: /models/x4.onnx"), r::toString);
    }

    @Test
    void elementStackTracesAreLeftOutOfDetailsWithoutDebug() {
        CommandLine cli = FlashVsrCli.commandLine();
        String detail = "flashvsr: debug: java.lang.ExceptionInInitializerError\n"
                + "    at dev.flashvsr.engine.cpu.OnnxModel.createSession(OnnxModel.java:56)\n"
                + "    ... 12 more\n"
                + "flashvsr: from element /GstPipeline:flashvsr-upscale/GstFlashVsrFilter:vsr";
        cli.addSubcommand(new Failing(new CliException(FlashVsrCli.EXIT_FAILURE, "flashvsrfilter cannot start",
                detail)));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            assertEquals(FlashVsrCli.EXIT_FAILURE, FlashVsrCli.execute(cli, System.out, e, "fail"));
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals("flashvsr: error: flashvsrfilter cannot start\n"
                + "flashvsr: debug: java.lang.ExceptionInInitializerError\n"
                + "flashvsr: from element /GstPipeline:flashvsr-upscale/GstFlashVsrFilter:vsr\n", text);
        assertFalse(text.contains(" at "), text);
    }
}
