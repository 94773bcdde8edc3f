package dev.flashvsr.tools;

import dev.flashvsr.element.BackendListing;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code flashvsr backends}: the backends present, whether each can run here (and why not), and
 * the precisions each runs: the values {@code backend} and {@code precision} can take.
 */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = {"List the backends present (the flashvsrfilter backend property's values): whether each",
                "can run on this machine, why not, and the precisions it runs (the precision property's values)."})
final class BackendsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<BackendListing.Entry> backends = BackendListing.present();
        PrintWriter out = spec.commandLine().getOut();
        int width = backends.stream().mapToInt(b -> b.nick().length()).max().orElse(0);
        backends.forEach(b -> out.println(line(b, width)));
        out.flush();
        return FlashVsrCli.EXIT_OK;
    }

    /** One backend: its nick padded to {@code width}, its state, its precisions and what it is. */
    static String line(BackendListing.Entry backend, int width) {
        String state = backend.usable() ? "usable" : "not usable (" + backend.reason() + ")";
        String precisions = backend.precisions().isEmpty() ? "" : "; precisions " + backend.precisionNicks();
        return String.format(Locale.ROOT, "%-" + width + "s  %s%s; %s", backend.nick(), state, precisions,
                backend.description());
    }
}
