package dev.flashvsr.engine.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes ZIP archives in the layout of {@code torch.save} (PyTorch 1.13), for tests: STORED
 * entries with flags 0x0808, local headers without sizes, a padding extra field (id 0x4246) that
 * puts every entry's data at a multiple of 64, data descriptors, a central directory, a ZIP64
 * end-of-central-directory record and locator, then the classic record. An entry's data is written
 * by its {@link Data}: bytes held in memory, sparse bytes (the rest stays a hole), or a stream of
 * any length produced while writing (multi-GB entries without holding them).
 */
final class TorchZipWriter {
    /** Writes an entry's data starting at {@code position}; returns its CRC-32, or 0 where the test needs none. */
    interface Data {
        long writeAt(FileChannel out, long position) throws IOException;
    }

    /** One entry of {@code size} bytes, written by {@code data}, with compression method {@code method}. */
    record Record(String name, long size, Data data, int method) {
        static Record of(String name, byte[] content) {
            return sparse(name, content.length, content, 0);
        }

        /** {@code size} bytes of which only {@code content} is written, at {@code contentOffset}. */
        static Record sparse(String name, long size, byte[] content, long contentOffset) {
            return new Record(name, size, (out, position) -> {
                writeFully(out, ByteBuffer.wrap(content), position + contentOffset);
                return 0;
            }, 0);
        }

        /** {@code content} declared with another compression method (the bytes stay as they are). */
        static Record withMethod(String name, byte[] content, int method) {
            return new Record(name, content.length, of(name, content).data(), method);
        }
    }

    private final List<Record> records = new ArrayList<>();
    private boolean saturateCentralDirectory;

    TorchZipWriter add(Record record) {
        records.add(record);
        return this;
    }

    TorchZipWriter add(String name, byte[] content) {
        return add(Record.of(name, content));
    }

    /** Writes 0xFFFFFFFF sizes/offsets in the central directory and EOCD, the real values in ZIP64 fields. */
    TorchZipWriter saturateCentralDirectory() {
        saturateCentralDirectory = true;
        return this;
    }

    /** The usual checkpoint: {@code prefix/data.pkl}, the storages {@code prefix/data/<key>}, {@code prefix/version}. */
    static TorchZipWriter checkpoint(String prefix, byte[] pickle, Record... storages) {
        TorchZipWriter w = new TorchZipWriter().add(prefix + "/data.pkl", pickle);
        for (Record r : storages) {
            w.add(new Record(prefix + "/data/" + r.name(), r.size(), r.data(), r.method()));
        }
        return w.add(prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }

    void write(Path path) throws IOException {
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long[] offsets = new long[records.size()];
            long[] crcs = new long[records.size()];
            long at = 0;
            for (int i = 0; i < records.size(); i++) {
                Record r = records.get(i);
                byte[] name = r.name().getBytes(StandardCharsets.UTF_8);
                offsets[i] = at;
                long dataStart = at + 30 + name.length + 4;
                int padding = (int) ((64 - dataStart % 64) % 64);
                ByteArrayOutputStream local = new ByteArrayOutputStream();
                local.writeBytes(le(4, 0x04034b50));
                local.writeBytes(le(2, 0));
                local.writeBytes(le(2, 0x0808));
                local.writeBytes(le(2, r.method()));
                local.writeBytes(le(4, 0)); // time, date
                local.writeBytes(le(4, 0)); // crc (in the descriptor)
                local.writeBytes(le(4, 0));
                local.writeBytes(le(4, 0));
                local.writeBytes(le(2, name.length));
                local.writeBytes(le(2, 4 + padding));
                local.writeBytes(name);
                local.writeBytes(le(2, 0x4246));
                local.writeBytes(le(2, padding));
                local.writeBytes("Z".repeat(padding).getBytes(StandardCharsets.US_ASCII));
                writeFully(file, ByteBuffer.wrap(local.toByteArray()), at);
                long data = at + local.size();
                crcs[i] = r.data().writeAt(file, data);
                at = data + r.size();
                writeFully(file, ByteBuffer.wrap(cat(le(4, 0x08074b50), le(4, crcs[i]), le(4, r.size()),
                        le(4, r.size()))), at);
                at += 16;
            }
            long directoryStart = at;
            ByteArrayOutputStream directory = new ByteArrayOutputStream();
            for (int i = 0; i < records.size(); i++) {
                Record r = records.get(i);
                byte[] name = r.name().getBytes(StandardCharsets.UTF_8);
                long shownSize = saturateCentralDirectory ? 0xffffffffL : r.size();
                long shownOffset = saturateCentralDirectory ? 0xffffffffL : offsets[i];
                byte[] extra = saturateCentralDirectory
                        ? cat(le(2, 1), le(2, 24), le(8, r.size()), le(8, r.size()), le(8, offsets[i]))
                        : new byte[0];
                directory.writeBytes(cat(le(4, 0x02014b50), le(2, 0), le(2, 0), le(2, 0x0808), le(2, r.method()),
                        le(4, 0), le(4, crcs[i]), le(4, shownSize), le(4, shownSize), le(2, name.length),
                        le(2, extra.length), le(2, 0), le(2, 0), le(2, 0), le(4, 0), le(4, shownOffset)));
                directory.writeBytes(name);
                directory.writeBytes(extra);
            }
            long directorySize = directory.size();
            long zip64Start = directoryStart + directorySize;
            int count = records.size();
            byte[] zip64 = cat(le(4, 0x06064b50), le(8, 44), le(2, 0), le(2, 0), le(4, 0), le(4, 0), le(8, count),
                    le(8, count), le(8, directorySize), le(8, directoryStart));
            byte[] locator = cat(le(4, 0x07064b50), le(4, 0), le(8, zip64Start), le(4, 1));
            long shownStart = saturateCentralDirectory ? 0xffffffffL : directoryStart;
            int shownCount = saturateCentralDirectory ? 0xffff : count;
            byte[] end = cat(le(4, 0x06054b50), le(2, 0), le(2, 0), le(2, shownCount), le(2, shownCount),
                    le(4, directorySize), le(4, shownStart), le(2, 0));
            writeFully(file, ByteBuffer.wrap(cat(directory.toByteArray(), zip64, locator, end)), directoryStart);
        }
    }

    static void writeFully(FileChannel out, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += out.write(buffer, at);
        }
    }

    private static byte[] le(int size, long value) {
        return PickleBuilder.le(size, value);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
