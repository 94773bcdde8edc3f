package dev.flashvsr.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Writes a raw file: length prefix, the header text as given, then the data bytes. */
    private Path raw(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static byte[] shortsLE(int... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    @Test
    void roundTripKeepsShapesDataAndMetadataInSortedOrder() throws IOException {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("z.weight", FloatTensor.of(random(2 * 3 * 3 * 3, 1), 2, 3, 3, 3));
        tensors.put("a.bias", FloatTensor.of(random(5, 2), 5));
        tensors.put("scalar", FloatTensor.of(new float[] {42.5f}));
        tensors.put("empty", FloatTensor.of(new float[0], 0, 4));
        Path p = dir.resolve("m.safetensors");
        SafeTensors.write(p, tensors, Map.of("format", "pt", "arch", "x"));

        byte[] bytes = Files.readAllBytes(p);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLength) % 8, "data buffer must start 8-byte aligned");

        try (SafeTensorsFile f = SafeTensors.open(p)) {
            assertEquals(List.of("a.bias", "empty", "scalar", "z.weight"), f.names());
            assertEquals(Map.of("format", "pt", "arch", "x"), f.metadata());
            for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
                TensorInfo info = f.info(e.getKey());
                assertEquals(DType.F32, info.dtype());
                assertArrayEquals(e.getValue().shape(), info.shape());
                assertArrayEquals(e.getValue().data(), f.readFloats(e.getKey()));
                assertEquals(e.getValue(), f.readTensor(e.getKey()));
            }
        }
        assertEquals(tensors, new LinkedHashMap<>(SafeTensors.readAll(p)));

        Path again = dir.resolve("again.safetensors");
        SafeTensors.write(again, tensors, Map.of("arch", "x", "format", "pt"));
        assertArrayEquals(bytes, Files.readAllBytes(again), "output must be deterministic");
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void float16DecodesKnownBitPatterns() throws IOException {
        int[] bits = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x7C00, 0xFC00, 0x8000, 0x3555, 0x3E00, 0x0000};
        float[] expected = {1f, -2f, 65504f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, -0f, 0.333251953125f, 1.5f, 0f};
        Path p = raw("h.safetensors", "{\"h\":{\"dtype\":\"F16\",\"shape\":[" + bits.length + "],\"data_offsets\":[0,"
                + 2 * bits.length + "]}}", shortsLE(bits));
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            float[] got = f.readFloats("h");
            for (int i = 0; i < bits.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
                        "half 0x" + Integer.toHexString(bits[i]));
            }
        }
        assertTrue(Float.isNaN(HalfFloats.float16ToFloat((short) 0x7E00)));
        assertTrue(Float.isNaN(HalfFloats.float16ToFloat((short) 0xFC01)));
    }

    @Test
    void float16MatchesTheDefinitionForEveryValue() {
        for (int h = 0; h < 0x10000; h++) {
            int sign = h >> 15;
            int e = (h >> 10) & 31;
            int m = h & 1023;
            float got = HalfFloats.float16ToFloat((short) h);
            if (e == 31) {
                assertTrue(m == 0 ? Float.isInfinite(got) : Float.isNaN(got), Integer.toHexString(h));
                continue;
            }
            double magnitude = e == 0 ? m * Math.pow(2, -24) : (1 + m / 1024.0) * Math.pow(2, e - 15);
            double expected = sign == 1 ? -magnitude : magnitude;
            assertEquals(Float.floatToRawIntBits((float) expected), Float.floatToRawIntBits(got), Integer.toHexString(h));
        }
    }

    @Test
    void bfloat16DecodesKnownBitPatterns() throws IOException {
        int[] bits = {0x3F80, 0xC000, 0x4049, 0x7F80, 0x0001, 0xBF00, 0x8000};
        float[] expected = {1f, -2f, 3.140625f, Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x10000), -0.5f, -0f};
        Path p = raw("b.safetensors", "{\"__metadata__\":{\"k\":\"v\"},\"b\":{\"dtype\":\"BF16\",\"shape\":[7],"
                + "\"data_offsets\":[0,14]}}   ", shortsLE(bits));
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            assertEquals(Map.of("k", "v"), f.metadata());
            float[] got = f.readFloats("b");
            for (int i = 0; i < bits.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
                        "bf16 0x" + Integer.toHexString(bits[i]));
            }
        }
    }

    @Test
    void nonFloatTensorsAreListedButNotReadAsFloats() throws IOException {
        Path p = raw("i.safetensors", "{\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                new byte[8]);
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            assertEquals(DType.I32, f.info("i").dtype());
            var e = assertThrows(IllegalArgumentException.class, () -> f.readFloats("i"));
            assertTrue(e.getMessage().contains("'i'") && e.getMessage().contains("I32"), e.getMessage());
            var missing = assertThrows(IllegalArgumentException.class, () -> f.readFloats("nope"));
            assertTrue(missing.getMessage().contains("nope") && missing.getMessage().contains(p.toString()),
                    missing.getMessage());
        }
    }

    private void assertCorrupt(Path p, String... fragments) {
        IOException e = assertThrows(IOException.class, () -> SafeTensors.open(p).close());
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' in: " + e.getMessage());
        }
    }

    @Test
    void corruptFilesGiveClearErrors() throws IOException {
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertCorrupt(tiny, "truncated");

        Path beyond = raw("beyond", "{}", new byte[0]);
        try (RandomAccessFile f = new RandomAccessFile(beyond.toFile(), "rw")) {
            f.write(new byte[] {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0});
        }
        assertCorrupt(beyond, "header length 255", "end of the file");

        Path negative = raw("negative", "{}", new byte[0]);
        try (RandomAccessFile f = new RandomAccessFile(negative.toFile(), "rw")) {
            f.write(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});
        }
        assertCorrupt(negative, "header length 18446744073709551615");

        assertCorrupt(raw("json", "{\"a\":{\"dtype\":\"F32\",", new byte[0]), "malformed header JSON");
        assertCorrupt(raw("notobject", "[1, 2]", new byte[0]), "malformed header");
        assertCorrupt(raw("dup", "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", new byte[4]), "malformed header JSON");
        assertCorrupt(raw("dtype", "{\"w\":{\"dtype\":\"F17\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "'w'", "unknown dtype \"F17\"");
        assertCorrupt(raw("range", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[12]),
                "'w'", "past the end of the data buffer");
        assertCorrupt(raw("reversed", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", new byte[8]),
                "'w'", "end before they begin");
        assertCorrupt(raw("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]),
                "'a'", "'b'", "overlap");
        assertCorrupt(raw("size", "{\"w\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,8]}}", new byte[8]),
                "'w'", "needs 12 bytes", "span 8");
        assertCorrupt(raw("shape", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]),
                "'w'", "\"shape\"");
        assertCorrupt(raw("offsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]),
                "'w'", "\"data_offsets\"");
        assertCorrupt(raw("meta", "{\"__metadata__\":{\"k\":3}}", new byte[0]), "__metadata__", "'k'");

        // A valid file cut short: the last tensor's offsets now run past the end.
        Map<String, FloatTensor> t = Map.of("a", FloatTensor.of(random(6, 3), 6), "b", FloatTensor.of(random(6, 4), 2, 3));
        Path whole = dir.resolve("whole");
        SafeTensors.write(whole, t, null);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        assertCorrupt(cut, "'b'", "truncated");
        Path headerCut = dir.resolve("headercut");
        Files.write(headerCut, java.util.Arrays.copyOf(bytes, 20));
        assertCorrupt(headerCut, "end of the file");
    }

    @Test
    void tensorsReadInPiecesReadCorrectly() throws IOException {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            tensors.put("t" + i, FloatTensor.of(random(7 + 13 * i, 10 + i), 7 + 13 * i));
        }
        Path p = dir.resolve("pieces.safetensors");
        SafeTensors.write(p, tensors, Map.of());
        for (int maxRead : new int[] {1, 3, 12, 64, 1000}) {
            try (SafeTensorsFile f = SafeTensors.open(p, maxRead)) {
                for (var e : tensors.entrySet()) {
                    assertArrayEquals(e.getValue().data(), f.readFloats(e.getKey()), "reads of " + maxRead + " bytes");
                }
            }
        }
    }

    @Test
    void filesLargerThan2GBAreRead() throws IOException {
        Assumptions.assumeTrue(Files.getFileStore(dir).getUsableSpace() > (8L << 30),
                "needs free space in case the file system does not support sparse files");
        long tailBegin = 3L << 30;
        long spanBegin = (2L << 30) - 8; // straddles 2 GiB, past int offsets
        String header = "{\"span\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[" + spanBegin + "," + (spanBegin + 16)
                + "]},\"tail\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[" + tailBegin + "," + (tailBegin + 8)
                + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("big.safetensors");
        long dataStart = 8 + h.length;
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(dataStart + tailBegin + 8);
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            f.write(h);
            f.seek(dataStart + spanBegin);
            ByteBuffer span = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            span.putFloat(1.5f).putFloat(-2f).putFloat(3.25f).putFloat(1e-3f);
            f.write(span.array());
            f.seek(dataStart + tailBegin);
            f.write(shortsLE(0x3F80, 0x4000, 0x4040, 0xBF80));
        }
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 1e-3f}, f.readFloats("span"));
            assertArrayEquals(new float[] {1f, 2f, 3f, -1f}, f.readFloats("tail"));
            assertArrayEquals(new long[] {2, 2}, f.info("tail").shape());
        }
    }

    @Test
    void writerRejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> FloatTensor.of(new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(dir.resolve("x"), Map.of("__metadata__", FloatTensor.of(new float[1], 1)), null));
        assertFalse(Files.exists(dir.resolve("x")));
    }
}
