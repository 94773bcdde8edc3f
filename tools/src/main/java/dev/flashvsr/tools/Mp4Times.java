package dev.flashvsr.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Zeroes the creation and modification times that mp4mux stamps into the movie, track and media
 * headers (mvhd, tkhd, mdhd), so that encoding the same frames twice gives the same bytes. Zero is
 * the format's "not set" value.
 */
final class Mp4Times {
    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia");
    private static final Set<String> HEADERS = Set.of("mvhd", "tkhd", "mdhd");

    private Mp4Times() {
    }

    /** Rewrites the file in place; returns how many header boxes were changed. */
    static int clear(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(data);
        int changed = walk(buf, 0, data.length);
        if (changed > 0) {
            Files.write(file, data);
        }
        return changed;
    }

    private static int walk(ByteBuffer buf, long from, long to) {
        int changed = 0;
        long pos = from;
        while (pos + 8 <= to) {
            long size = Integer.toUnsignedLong(buf.getInt((int) pos));
            String type = fourcc(buf, (int) pos + 4);
            int header = 8;
            if (size == 1) {
                if (pos + 16 > to) {
                    break;
                }
                size = buf.getLong((int) pos + 8);
                header = 16;
            } else if (size == 0) {
                size = to - pos;
            }
            if (size < header || pos + size > to) {
                break; // damaged or truncated: leave the rest alone
            }
            long body = pos + header;
            if (CONTAINERS.contains(type)) {
                changed += walk(buf, body, pos + size);
            } else if (HEADERS.contains(type) && size >= header + 4 + 16) {
                int version = buf.get((int) body) & 0xff;
                int times = (int) body + 4; // after version and flags
                if (version == 1) {
                    buf.putLong(times, 0);
                    buf.putLong(times + 8, 0);
                } else {
                    buf.putInt(times, 0);
                    buf.putInt(times + 4, 0);
                }
                changed++;
            }
            pos += size;
        }
        return changed;
    }

    private static String fourcc(ByteBuffer buf, int at) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            c[i] = (char) (buf.get(at + i) & 0xff);
        }
        return new String(c);
    }
}
