package dev.flashvsr.engine.files;

/**
 * Checks that the Java heap can take an array before it is allocated, so that a tensor or file too
 * large for this JVM is an error naming it instead of an {@link OutOfMemoryError} somewhere later.
 */
public final class HeapCheck {
    private HeapCheck() {
    }

    /**
     * Throws when {@code bytes} more would not fit in the heap's maximum size ({@code -Xmx}) next to
     * what is in use now. Garbage counts as in use, so a first refusal collects it and asks again.
     *
     * @param what names the array in the message ("file F: tensor 'T' [shape]")
     */
    public static void require(long bytes, String what) {
        if (bytes <= available()) {
            return;
        }
        System.gc();
        long available = available();
        if (bytes > available) {
            throw new IllegalArgumentException(what + " needs " + megabytes(bytes) + " of Java heap, but only "
                    + megabytes(available) + " of the maximum " + megabytes(Runtime.getRuntime().maxMemory())
                    + " are free (raise -Xmx: FLASHVSR_JAVA_OPTS for the flashvsr tool, jvm-options in the element's"
                    + " flashvsr.conf)");
        }
    }

    private static long available() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
