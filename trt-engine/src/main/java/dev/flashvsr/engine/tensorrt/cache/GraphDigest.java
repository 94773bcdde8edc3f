package dev.flashvsr.engine.tensorrt.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/** The SHA-256 that names an ONNX graph in an {@link EngineKey}: its bytes and its external data files. */
public final class GraphDigest {
    private GraphDigest() {
    }

    /**
     * Hashes the graph file, then each external data file in file-name order with its name and
     * length, so that renaming, moving bytes between files or changing any byte changes the hash.
     */
    public static String sha256(Path graph, Collection<Path> externalData) throws IOException {
        MessageDigest digest = sha256();
        add(digest, "graph", graph);
        List<Path> sorted = externalData.stream().sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        for (Path file : sorted) {
            add(digest, file.getFileName().toString(), file);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void add(MessageDigest digest, String label, Path file) throws IOException {
        byte[] name = label.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES + name.length + Long.BYTES)
                .putInt(name.length).put(name).putLong(Files.size(file)).flip());
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256, which every Java runtime must have", e);
        }
    }
}
