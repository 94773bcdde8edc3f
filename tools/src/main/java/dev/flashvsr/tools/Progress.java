package dev.flashvsr.tools;

import java.io.PrintWriter;
import java.util.Locale;

/** The self-overwriting ({@code \r}) progress line of {@code flashvsr upscale}. */
final class Progress {
    /**
     * What flashvsrfilter said last about opening its session (its {@code flashvsr-progress}
     * messages): a real-size model takes minutes to start.
     *
     * @param fraction share done, 0 to 1, or negative when unknown
     * @param done     true once the session is open
     */
    record StartUp(String model, String step, double fraction, boolean done) {
    }

    private static final String LEAD = "flashvsr: ";
    private final PrintWriter err;
    private final boolean quiet;
    /** Put after "flashvsr: " on the progress line (folder mode names the file there), or "". */
    private final String prefix;
    private int lastLength;

    Progress(PrintWriter err, boolean quiet) {
        this(err, quiet, "");
    }

    Progress(PrintWriter err, boolean quiet, String prefix) {
        this.err = err;
        this.quiet = quiet;
        this.prefix = prefix;
    }

    /**
     * @param startUp  the element's last start-up message, or null; while its session opens the
     *                 line shows that instead of frames
     * @param frames   frames upscaled so far, or null when unknown
     * @param elapsed  seconds since the pipeline started
     * @param position stream time reached in ns, or negative when unknown
     * @param duration stream duration in ns, or negative when unknown
     */
    void update(StartUp startUp, Long frames, double elapsed, long position, long duration) {
        if (quiet) {
            return;
        }
        String text = startUp != null && !startUp.done() ? startUpLine(startUp, elapsed)
                : line(frames, elapsed, position, duration);
        // Both lines start with "flashvsr: "; the prefix goes right after it.
        print(LEAD + prefix + text.substring(LEAD.length()));
    }

    /** "flashvsr: starting model 'M': building the DiT graph for 128x128, 40%, elapsed 0:12". */
    static String startUpLine(StartUp startUp, double elapsed) {
        StringBuilder sb = new StringBuilder("flashvsr: starting model '").append(startUp.model()).append("': ")
                .append(startUp.step());
        if (startUp.fraction() >= 0) {
            sb.append(String.format(Locale.ROOT, ", %.0f%%", startUp.fraction() * 100));
        }
        return sb.append(", elapsed ").append(clock(elapsed)).toString();
    }

    static String line(Long frames, double elapsed, long position, long duration) {
        StringBuilder sb = new StringBuilder("flashvsr: ");
        if (frames != null) {
            sb.append(frames).append(" frames");
            if (elapsed > 0) {
                sb.append(String.format(Locale.ROOT, ", %.1f fps", frames / elapsed));
            }
        } else {
            sb.append("running");
        }
        sb.append(", elapsed ").append(clock(elapsed));
        if (position > 0 && duration > 0) {
            double fraction = Math.min(1.0, (double) position / duration);
            sb.append(String.format(Locale.ROOT, ", %.0f%%", fraction * 100));
            if (fraction > 0.005) {
                double eta = elapsed * (1 - fraction) / fraction;
                sb.append(", ETA ").append(clock(eta));
            }
        }
        return sb.toString();
    }

    private void print(String text) {
        int pad = Math.max(0, lastLength - text.length());
        err.print("\r" + text + " ".repeat(pad));
        err.flush();
        lastLength = text.length();
    }

    /** Prints a message line (always, even when quiet); the progress line comes back at the next update. */
    void message(String text) {
        finish();
        err.println("flashvsr: " + text);
        err.flush();
    }

    /** Ends the progress line so the next message starts on a fresh line. */
    void finish() {
        if (lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
            lastLength = 0;
        }
    }

    static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        long h = s / 3600;
        long m = (s % 3600) / 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", m, s % 60);
    }
}
