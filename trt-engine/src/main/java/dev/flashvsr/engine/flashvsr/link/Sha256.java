package dev.flashvsr.engine.flashvsr.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * SHA-256 digests of multi-GB weight files, streamed through one fixed buffer (the heap does not
 * grow with the file), read through file channels that a thread interrupt closes at once (Ctrl-C
 * during a 6 GB pass must not wait for its end), with a progress line per GB.
 */
public final class Sha256 {
    /** What a digest looks like in a manifest: 64 lowercase hex digits. */
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final int BUFFER = 1 << 20;
    private static final long REPORT_STEP = 1L << 30;

    private Sha256() {
    }

    /** Whether {@code text} is a digest as {@link #of} writes it. */
    public static boolean isDigest(String text) {
        return HEX.matcher(text).matches();
    }

    /** The digest of {@code text} in UTF-8. */
    public static String ofText(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The digest of {@code bytes}. */
    public static String ofBytes(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** The digest of {@code file}'s content; {@code progress} gets a line per GB read. */
    public static String of(Path file, Consumer<String> progress) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            return pass(file, in, null, "hashed", progress);
        }
    }

    /**
     * Copies {@code from} to the new file {@code to}, returning the digest of what was copied: one
     * read serves both.
     */
    public static String copy(Path from, Path to, Consumer<String> progress) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(to, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
            return pass(from, in, out, "copied", progress);
        }
    }

    /** Reads {@code in} to its end into the digest, and into {@code out} when there is one. */
    private static String pass(Path file, FileChannel in, FileChannel out, String done, Consumer<String> progress)
            throws IOException {
        MessageDigest digest = digest();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        long size = in.size();
        long read = 0;
        while (in.read(buffer) >= 0) {
            buffer.flip();
            int n = buffer.limit();
            digest.update(buffer.array(), 0, n);
            read += n;
            while (out != null && buffer.hasRemaining()) {
                out.write(buffer);
            }
            buffer.clear();
            if (read / REPORT_STEP > (read - n) / REPORT_STEP && read < size) {
                progress.accept(String.format(Locale.ROOT, "  %s: %.1f of %.1f GB %s", file.getFileName(),
                        read / 1e9, size / 1e9, done));
            }
        }
        if (read != size) {
            // A file that shrank or grew under the reader: its digest describes neither version.
            throw new IOException(file + " changed from " + size + " to " + read + " bytes while being read");
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
