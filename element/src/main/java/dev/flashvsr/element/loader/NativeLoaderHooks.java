package dev.flashvsr.element.loader;

/**
 * Java side of the native loader plugin ({@code libgstflashvsr.so}).
 *
 * <p>When GStreamer loads the loader plugin, the loader creates the JVM inside a
 * {@code plugin_init} call. GStreamer swaps the SIGSEGV action out before that call and
 * puts the old one back after it, which silently removes the handler the JVM relies on
 * (safepoint polls, implicit null checks): the process then dies or hangs once the JVM
 * needs it. The loader keeps the JVM's action and re-installs it; {@link #afterPluginLoad()}
 * is the hook the element calls from its {@code class_init} and {@code instance_init}
 * callbacks so that the handler is back before any streaming starts.
 *
 * <p>The loader binds {@code restoreSignalHandlers0} with JNI {@code RegisterNatives} and
 * then calls {@code loaderBooted()}, both right after creating the JVM. In any other
 * process (a Java application, unit tests) nothing is bound and every method here is a
 * no-op.
 *
 * <p>Diagnostics: the system property {@value #GC_STRESS_PROPERTY} (milliseconds, for
 * tests) starts a daemon thread that calls {@link System#gc()} at that interval, which
 * forces safepoints while buffers stream through the element; pass it through
 * {@code FLASHVSR_JVM_OPTIONS="-Dflashvsr.loader.gcStressMillis=2"}.
 */
public final class NativeLoaderHooks {

    /** Set by the loader: path of the loader library that created this JVM. */
    public static final String LIBRARY_PROPERTY = "flashvsr.loader.library";
    /** Set by the loader: path of the config file it read, if any. */
    public static final String CONFIG_PROPERTY = "flashvsr.loader.config";
    /** Interval in milliseconds of forced garbage collections (test and diagnostic aid). */
    public static final String GC_STRESS_PROPERTY = "flashvsr.loader.gcStressMillis";

    private static volatile boolean booted;
    private static volatile long restores;

    private NativeLoaderHooks() {
    }

    /**
     * Re-installs the JVM's SIGSEGV action if GStreamer's plugin loader removed it. Cheap
     * (one {@code sigaction} call) and idempotent; does nothing unless the loader plugin
     * created this JVM. Never throws.
     */
    public static void afterPluginLoad() {
        if (!booted) {
            return;
        }
        try {
            if (restoreSignalHandlers0()) {
                restores++;
            }
        } catch (Throwable t) { // UnsatisfiedLinkError if the natives were never bound
            booted = false;
        }
    }

    /** Whether this JVM was created by the native loader plugin. */
    public static boolean isBootedByLoader() {
        return booted;
    }

    /** How many times {@link #afterPluginLoad()} found the SIGSEGV handler removed. */
    public static long restoreCount() {
        return restores;
    }

    /** Bound by the loader through RegisterNatives; true when it re-installed the handler. */
    private static native boolean restoreSignalHandlers0();

    /** Called by the loader (JNI) right after it created the JVM and bound the natives. */
    @SuppressWarnings("unused")
    private static void loaderBooted() {
        booted = true;
        startGcStressIfRequested();
    }

    private static void startGcStressIfRequested() {
        String value = System.getProperty(GC_STRESS_PROPERTY);
        if (value == null || value.isBlank()) {
            return;
        }
        long millis;
        try {
            millis = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            System.err.println("flashvsr: ignoring " + GC_STRESS_PROPERTY + "=" + value
                    + " (not a number of milliseconds)");
            return;
        }
        if (millis <= 0) {
            return;
        }
        Thread t = new Thread(() -> {
            while (true) {
                System.gc();
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "flashvsr-gc-stress");
        t.setDaemon(true);
        t.start();
    }
}
