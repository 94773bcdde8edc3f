package dev.flashvsr.tools;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The CLI with its standard output sent to standard error: {@link CliProcess} keeps only stderr,
 * and folder mode prints its summary table on stdout.
 */
public final class StdoutOnStderrMain {
    private StdoutOnStderrMain() {
    }

    public static void main(String[] args) {
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(FlashVsrCli.execute(err, err, args));
    }
}
