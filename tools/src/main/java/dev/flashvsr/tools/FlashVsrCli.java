package dev.flashvsr.tools;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code flashvsr} command line: upscale video files with the {@code flashvsrfilter} element,
 * make the bundled sample clip and benchmark the element against {@code videoscale}.
 */
@Command(name = "flashvsr",
        mixinStandardHelpOptions = true,
        versionProvider = FlashVsrCli.Version.class,
        description = "Video super-resolution with the flashvsrfilter GStreamer element.",
        subcommands = {UpscaleCommand.class, MakeSampleCommand.class, BenchCommand.class, BuildModelCommand.class,
                ImportCommand.class, TrtCheckCommand.class, BuildEngineCommand.class, BackendsCommand.class,
                dev.flashvsr.tools.train.TrainCommand.class,
                dev.flashvsr.tools.eval.EvalCommand.class, CompareCommand.class,
                dev.flashvsr.tools.calibrate.CalibrateCommand.class,
                CommandLine.HelpCommand.class})
public final class FlashVsrCli {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    /** Stopped by Ctrl-C after finishing the output cleanly (128 + SIGINT). */
    public static final int EXIT_INTERRUPTED = 130;

    /** A stack frame line in an element's debug text (an exception in Java element code). */
    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s*(at \\S+\\(.*\\)|\\.\\.\\. \\d+ more)\\R?");

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print the Java stack trace of an unexpected error (for bug reports).")
    boolean debug;

    private FlashVsrCli() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int code = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line in this JVM and returns its exit code instead of exiting. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        return execute(commandLine(), out, err, args);
    }

    /** The command line with every command, for {@link #execute(CommandLine, PrintStream, PrintStream, String...)}. */
    static CommandLine commandLine() {
        return new CommandLine(new FlashVsrCli());
    }

    /** Runs {@code cli}, a {@link #commandLine()} (tests may add commands to it), and returns its exit code. */
    static int execute(CommandLine cli, PrintStream out, PrintStream err, String... args) {
        FlashVsrCli flashvsr = cli.getCommand();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CliException e) {
                err.println("flashvsr: error: " + e.getMessage());
                if (e.detail() != null) {
                    err.println(flashvsr.debug ? e.detail() : STACK_FRAME.matcher(e.detail()).replaceAll(""));
                }
                return e.exitCode();
            }
            return unexpected(ex, flashvsr.debug, err);
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli hands only Exceptions to the handler above; these escape execute().
            return unexpected(e, flashvsr.debug, err);
        }
    }

    /** An error no command expected: one line, with --debug followed by its stack trace. */
    private static int unexpected(Throwable e, boolean debug, PrintStream err) {
        String line = "flashvsr: error: " + ErrorText.describe(e);
        if (debug) {
            err.println(line);
            e.printStackTrace(err);
        } else {
            err.println(line + " (unexpected " + e.getClass().getSimpleName()
                    + "; rerun with --debug for its stack trace)");
        }
        return EXIT_FAILURE;
    }

    /** Reports the version from the jar manifest when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FlashVsrCli.class.getPackage().getImplementationVersion();
            return new String[] {"flashvsr " + (v == null ? "(development build)" : v)};
        }
    }
}
