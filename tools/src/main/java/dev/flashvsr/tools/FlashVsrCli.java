package dev.flashvsr.tools;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code flashvsr} command line: upscale video files with the {@code flashvsrfilter} element,
 * make the bundled sample clip and benchmark the element against {@code videoscale}.
 */
@Command(name = "flashvsr",
        mixinStandardHelpOptions = true,
        versionProvider = FlashVsrCli.Version.class,
        description = "Video super-resolution with the flashvsrfilter GStreamer element.",
        subcommands = {UpscaleCommand.class, MakeSampleCommand.class, BenchCommand.class, BuildModelCommand.class,
                ImportCommand.class,
                dev.flashvsr.tools.train.TrainCommand.class,
                dev.flashvsr.tools.eval.EvalCommand.class,
                CommandLine.HelpCommand.class})
public final class FlashVsrCli {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    /** Stopped by Ctrl-C after finishing the output cleanly (128 + SIGINT). */
    public static final int EXIT_INTERRUPTED = 130;

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
        CommandLine cli = new CommandLine(new FlashVsrCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CliException e) {
                err.println("flashvsr: error: " + e.getMessage());
                if (e.detail() != null) {
                    err.println(e.detail());
                }
                return e.exitCode();
            }
            err.println("flashvsr: error: " + ex);
            ex.printStackTrace(err);
            return EXIT_FAILURE;
        });
        return cli.execute(args);
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
