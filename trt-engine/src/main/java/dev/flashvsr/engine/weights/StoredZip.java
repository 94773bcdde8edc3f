package dev.flashvsr.engine.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The central directory of a ZIP archive whose STORED (uncompressed) entries are used in place,
 * as PyTorch's {@code torch.save} writes them. Written from the ZIP format (APPNOTE): the
 * directory is found through the end-of-central-directory record (and its ZIP64 locator and
 * record when present); an entry's data starts after its <em>local</em> header, whose name and
 * extra-field lengths can differ from the central directory's (PyTorch pads the local extra
 * field so that data is 64-byte aligned). Local headers carry no sizes (PyTorch sets flag bit 3
 * and writes data descriptors), so sizes come from the central directory only. Every
 * inconsistency is an {@link IOException} naming the file.
 */
final class StoredZip {
    /** Central directories larger than this are rejected as corrupt (a checkpoint's is a few KB). */
    static final long MAX_CENTRAL_DIRECTORY = 64L << 20;

    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int EOCD_SIZE = 22;
    private static final int MAX_COMMENT = 0xffff;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_LOCATOR_SIZE = 20;
    private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
    private static final int ZIP64_EOCD_SIZE = 56;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int LOCAL_SIZE = 30;
    private static final int ZIP64_EXTRA_ID = 0x0001;
    private static final long SATURATED_32 = 0xffffffffL;

    /** One central-directory entry; sizes and offset already widened from ZIP64 extra fields. */
    record Entry(String name, int flags, int method, long compressedSize, long size, long localHeaderOffset) {
    }

    private final Path path;
    private final FileChannel channel;
    private final long centralDirectoryOffset;
    private final Map<String, Entry> entries;

    private StoredZip(Path path, FileChannel channel, long centralDirectoryOffset,
            Map<String, Entry> entries) {
        this.path = path;
        this.channel = channel;
        this.centralDirectoryOffset = centralDirectoryOffset;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** Reads and validates the central directory of {@code channel} (the file at {@code path}). */
    static StoredZip read(Path path, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < EOCD_SIZE) {
            throw new IOException(path + ": " + fileSize + " bytes, too small for a ZIP archive"
                    + notZipHint(path, channel, fileSize));
        }
        int tailLength = (int) Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
        long tailStart = fileSize - tailLength;
        ByteBuffer tail = readAt(path, channel, tailStart, tailLength);
        int eocd = findEndRecord(tail);
        if (eocd < 0) {
            throw new IOException(path + ": no ZIP end-of-central-directory record: the file is truncated or is not "
                    + "a ZIP archive" + notZipHint(path, channel, fileSize));
        }
        long eocdPosition = tailStart + eocd;
        long count = tail.getShort(eocd + 10) & 0xffff;
        long directorySize = tail.getInt(eocd + 12) & SATURATED_32;
        long directoryOffset = tail.getInt(eocd + 16) & SATURATED_32;
        long directoryLimit = eocdPosition;
        if (eocd >= ZIP64_LOCATOR_SIZE && tail.getInt(eocd - ZIP64_LOCATOR_SIZE) == ZIP64_LOCATOR_SIGNATURE) {
            long recordPosition = tail.getLong(eocd - ZIP64_LOCATOR_SIZE + 8);
            long locatorPosition = eocdPosition - ZIP64_LOCATOR_SIZE;
            if (recordPosition < 0 || recordPosition > locatorPosition - ZIP64_EOCD_SIZE) {
                throw new IOException(path + ": corrupt ZIP: the ZIP64 end-of-central-directory locator points to "
                        + "offset " + Long.toUnsignedString(recordPosition) + ", outside the file's " + locatorPosition
                        + " bytes before it");
            }
            ByteBuffer record = readAt(path, channel, recordPosition, ZIP64_EOCD_SIZE);
            if (record.getInt(0) != ZIP64_EOCD_SIGNATURE) {
                throw new IOException(path + ": corrupt ZIP: no ZIP64 end-of-central-directory record at offset "
                        + recordPosition);
            }
            count = record.getLong(32);
            directorySize = record.getLong(40);
            directoryOffset = record.getLong(48);
            directoryLimit = recordPosition;
        }
        if (directorySize < 0 || directoryOffset < 0 || directorySize > directoryLimit
                || directoryOffset > directoryLimit - directorySize) {
            throw new IOException(path + ": corrupt ZIP: central directory of " + Long.toUnsignedString(directorySize)
                    + " bytes at offset " + Long.toUnsignedString(directoryOffset) + " does not fit before byte "
                    + directoryLimit + " (file truncated or corrupt)");
        }
        if (directorySize > MAX_CENTRAL_DIRECTORY) {
            throw new IOException(path + ": central directory of " + directorySize + " bytes exceeds the limit of "
                    + MAX_CENTRAL_DIRECTORY + " bytes");
        }
        if (count < 0 || count > directorySize / CENTRAL_SIZE) {
            throw new IOException(path + ": corrupt ZIP: " + Long.toUnsignedString(count)
                    + " entries cannot fit in a central directory of " + directorySize + " bytes");
        }
        ByteBuffer directory = readAt(path, channel, directoryOffset, (int) directorySize);
        Map<String, Entry> entries = parseDirectory(path, directory, (int) count, directoryOffset);
        return new StoredZip(path, channel, directoryOffset, entries);
    }

    private static int findEndRecord(ByteBuffer tail) {
        for (int i = tail.limit() - EOCD_SIZE; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIGNATURE && i + EOCD_SIZE + (tail.getShort(i + 20) & 0xffff) == tail.limit()) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, Entry> parseDirectory(Path path, ByteBuffer directory, int count, long directoryOffset)
            throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        int at = 0;
        for (int i = 0; i < count; i++) {
            String where = path + ": corrupt ZIP central directory entry " + i + " (at offset " + (directoryOffset + at)
                    + "): ";
            if (directory.limit() - at < CENTRAL_SIZE || directory.getInt(at) != CENTRAL_SIGNATURE) {
                throw new IOException(where + "no central directory header signature");
            }
            int flags = directory.getShort(at + 8) & 0xffff;
            int method = directory.getShort(at + 10) & 0xffff;
            long compressedSize = directory.getInt(at + 20) & SATURATED_32;
            long size = directory.getInt(at + 24) & SATURATED_32;
            int nameLength = directory.getShort(at + 28) & 0xffff;
            int extraLength = directory.getShort(at + 30) & 0xffff;
            int commentLength = directory.getShort(at + 32) & 0xffff;
            long localOffset = directory.getInt(at + 42) & SATURATED_32;
            int nameStart = at + CENTRAL_SIZE;
            int extraStart = nameStart + nameLength;
            int next = extraStart + extraLength + commentLength;
            if (next > directory.limit()) {
                throw new IOException(where + "name, extra field and comment run past the end of the directory");
            }
            byte[] nameBytes = new byte[nameLength];
            directory.get(nameStart, nameBytes);
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            long[] wide = {size, compressedSize, localOffset};
            readZip64Extra(directory, extraStart, extraLength, wide, where + "'" + name + "': ");
            if (entries.put(name, new Entry(name, flags, method, wide[1], wide[0], wide[2])) != null) {
                throw new IOException(path + ": corrupt ZIP: entry '" + name + "' appears twice");
            }
            at = next;
        }
        return entries;
    }

    /**
     * Replaces the saturated (0xFFFFFFFF) values of {@code wide} (size, compressed size, offset) by
     * those of the ZIP64 extra field, which holds exactly the saturated ones, in that order. Without
     * such a field a saturated value is taken literally.
     */
    private static void readZip64Extra(ByteBuffer directory, int start, int length, long[] wide, String where)
            throws IOException {
        int end = start + length;
        int at = start;
        while (end - at >= 4) {
            int id = directory.getShort(at) & 0xffff;
            int dataLength = directory.getShort(at + 2) & 0xffff;
            int data = at + 4;
            if (dataLength > end - data) {
                throw new IOException(where + "extra field 0x" + Integer.toHexString(id) + " runs past its entry");
            }
            if (id == ZIP64_EXTRA_ID) {
                int field = data;
                for (int i = 0; i < wide.length; i++) {
                    if (wide[i] != SATURATED_32) {
                        continue;
                    }
                    if (field + 8 > data + dataLength) {
                        throw new IOException(where + "ZIP64 extra field too short for its saturated sizes");
                    }
                    wide[i] = directory.getLong(field);
                    if (wide[i] < 0) {
                        throw new IOException(where + "ZIP64 size or offset " + Long.toUnsignedString(wide[i])
                                + " out of range");
                    }
                    field += 8;
                }
            }
            at = data + dataLength;
        }
    }

    /** Entries in central-directory order. */
    List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** The entry named {@code name}, or null. */
    Entry entry(String name) {
        return entries.get(name);
    }

    /**
     * File offset of the first data byte of STORED entry {@code entry}, after validating its local
     * header and that its data lies before the central directory.
     */
    long dataOffset(Entry entry) throws IOException {
        String where = path + ": ZIP entry '" + entry.name() + "': ";
        if ((entry.flags() & 1) != 0) {
            throw new IOException(where + "is encrypted");
        }
        if (entry.method() != 0) {
            throw new IOException(where + "uses compression method " + entry.method()
                    + "; only STORED (0) entries, as torch.save writes them, can be read in place");
        }
        if (entry.compressedSize() != entry.size()) {
            throw new IOException(where + "STORED entry with compressed size " + entry.compressedSize()
                    + " != size " + entry.size());
        }
        if (entry.localHeaderOffset() > centralDirectoryOffset - LOCAL_SIZE) {
            throw new IOException(where + "local header offset " + entry.localHeaderOffset()
                    + " lies outside the entry area (central directory at " + centralDirectoryOffset + ")");
        }
        ByteBuffer local = readAt(path, channel, entry.localHeaderOffset(), LOCAL_SIZE);
        if (local.getInt(0) != LOCAL_SIGNATURE) {
            throw new IOException(where + "no local header signature at offset " + entry.localHeaderOffset());
        }
        int nameLength = local.getShort(26) & 0xffff;
        int extraLength = local.getShort(28) & 0xffff;
        long nameStart = entry.localHeaderOffset() + LOCAL_SIZE;
        long data = nameStart + nameLength + extraLength;
        if (data > centralDirectoryOffset || entry.size() > centralDirectoryOffset - data) {
            throw new IOException(where + entry.size() + " bytes of data at offset " + data
                    + " run past the start of the central directory (" + centralDirectoryOffset
                    + "): file truncated or corrupt");
        }
        byte[] localName = new byte[nameLength];
        readAt(path, channel, nameStart, nameLength).get(0, localName);
        if (!Arrays.equals(localName, entry.name().getBytes(StandardCharsets.UTF_8))) {
            throw new IOException(where + "local header names '" + new String(localName, StandardCharsets.UTF_8)
                    + "' instead");
        }
        return data;
    }

    /** Reads STORED entry {@code entry} whole; it must be at most {@code limit} bytes. */
    byte[] readEntry(Entry entry, int limit) throws IOException {
        if (entry.size() > limit) {
            throw new IOException(path + ": ZIP entry '" + entry.name() + "' is " + entry.size()
                    + " bytes, more than the limit of " + limit + " bytes for it");
        }
        long offset = dataOffset(entry);
        byte[] bytes = new byte[(int) entry.size()];
        readAt(path, channel, offset, bytes.length).get(0, bytes);
        return bytes;
    }

    private static ByteBuffer readAt(Path path, FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException(path + ": unexpected end of file at offset " + (position + buffer.position()));
            }
        }
        return buffer;
    }

    /** Why a file that is not a ZIP might still be what the user meant (a legacy PyTorch pickle file). */
    private static String notZipHint(Path path, FileChannel channel, long fileSize) throws IOException {
        if (fileSize < 2) {
            return "";
        }
        ByteBuffer start = readAt(path, channel, 0, 2);
        if ((start.get(0) & 0xff) == 0x80 && start.get(1) >= 2 && start.get(1) <= 5) {
            return " (it starts like a bare pickle: the legacy torch.save format of PyTorch < 1.6, or "
                    + "_use_new_zipfile_serialization=False, is not supported; re-save it with a current PyTorch)";
        }
        return "";
    }
}
