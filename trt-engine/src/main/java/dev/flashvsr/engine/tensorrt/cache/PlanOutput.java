package dev.flashvsr.engine.tensorrt.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;

/**
 * Where a builder writes its plan: appends to a file channel, counting the bytes and hashing them
 * on the way, so that the engine file's header gets the plan's length and SHA-256 without reading
 * the plan back. Closing it leaves the file channel open (its owner closes it).
 */
final class PlanOutput implements WritableByteChannel {
    private final FileChannel file;
    private final MessageDigest digest = GraphDigest.sha256();
    private long written;
    private boolean open = true;

    PlanOutput(FileChannel file) {
        this.file = file;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        if (!open) {
            throw new IOException("the engine plan output is closed: a builder wrote after its build returned");
        }
        // the digest reads what the file write consumed, from a second view of the same bytes
        ByteBuffer consumed = source.duplicate();
        int bytes = file.write(source);
        digest.update(consumed.limit(consumed.position() + bytes));
        written += bytes;
        return bytes;
    }

    long written() {
        return written;
    }

    byte[] sha256() {
        return digest.digest();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
