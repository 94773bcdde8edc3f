package dev.flashvsr.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.weights.PickleBuilder.TensorSpec;
import dev.flashvsr.engine.weights.TorchZipWriter.Record;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading torch.save checkpoints: the golden release files and hand-written ones. */
class TorchCheckpointTest {
    @TempDir
    Path dir;

    private static Path release(String file) {
        return GoldenData.root().resolve("release-layout").resolve(file);
    }

    /** Every tensor of {@code checkpoint} equals, bit for bit, the same-named F32 tensor of {@code golden}. */
    private static void assertSameTensors(TorchCheckpoint checkpoint, SafeTensorsFile golden, DType storedAs) {
        assertEquals(new HashSet<>(golden.names()), new HashSet<>(checkpoint.names()));
        for (String name : golden.names()) {
            FloatTensor expected = golden.readTensor(name);
            assertEquals(storedAs, checkpoint.info(name).dtype(), name);
            assertArrayEquals(expected.shape(), checkpoint.info(name).shape(), name);
            FloatTensor got = checkpoint.readTensor(name);
            assertArrayEquals(expected.shape(), got.shape(), name);
            for (int i = 0; i < expected.data().length; i++) {
                if (Float.floatToRawIntBits(expected.data()[i]) != Float.floatToRawIntBits(got.data()[i])) {
                    throw new AssertionError(name + "[" + i + "]: expected " + expected.data()[i] + ", got "
                            + got.data()[i]);
                }
            }
        }
    }

    @Test
    void releaseLqProjectorEqualsGoldenWeights() throws IOException {
        for (int maxRead : new int[] {SafeTensors.DEFAULT_MAX_READ, 1000}) {
            try (TorchCheckpoint ckpt = TorchCheckpoint.open(release("LQ_proj_in.ckpt"), maxRead);
                    SafeTensorsFile golden = SafeTensors.open(GoldenData.root().resolve("lqproj/weights.safetensors"))) {
                assertFalse(ckpt.isSingleTensor());
                assertEquals("conv1.weight", ckpt.names().get(0), "state_dict order is kept");
                assertSameTensors(ckpt, golden, DType.BF16);
            }
        }
    }

    @Test
    void releaseTcDecoderEqualsGoldenWeights() throws IOException {
        for (int maxRead : new int[] {SafeTensors.DEFAULT_MAX_READ, 4093}) {
            try (TorchCheckpoint ckpt = TorchCheckpoint.open(release("TCDecoder.ckpt"), maxRead);
                    SafeTensorsFile golden = SafeTensors.open(GoldenData.root().resolve("tcdecoder/weights.safetensors"))) {
                assertSameTensors(ckpt, golden, DType.F32);
            }
        }
    }

    @Test
    void releasePromptIsOneTensorEqualToTheGoldenContext() throws IOException {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(release("posi_prompt.pth"));
                SafeTensorsFile inputs = SafeTensors.open(GoldenData.root().resolve("dit/inputs.safetensors"))) {
            assertTrue(ckpt.isSingleTensor());
            assertEquals(List.of("posi_prompt"), ckpt.names());
            FloatTensor context = inputs.readTensor("context");
            assertEquals(DType.BF16, ckpt.info("posi_prompt").dtype());
            assertEquals(context, ckpt.readTensor("posi_prompt"));
        }
    }

    @Test
    void writerMakesArchivesThatJavaZipFileReads() throws IOException {
        Path p = dir.resolve("w.pt");
        byte[] pickle = new PickleBuilder().proto(2).tensor(TensorSpec.contiguous("0", "FloatStorage", 2)).stop().bytes();
        TorchZipWriter.checkpoint("w", pickle, Record.of("0", PickleBuilder.floatsLE(1, 2))).saturateCentralDirectory()
                .write(p);
        try (ZipFile zip = new ZipFile(p.toFile())) {
            assertEquals(3, zip.size());
            assertArrayEquals(pickle, zip.getInputStream(zip.getEntry("w/data.pkl")).readAllBytes());
        }
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(p)) {
            assertEquals(FloatTensor.of(new float[] {1, 2}, 2), ckpt.readTensor("w"));
        }
    }

    @Test
    void sharedStoragesOffsetsAndStridesAreHonoured() throws IOException {
        float[] values = new float[24];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        specs.put("matrix", new TensorSpec("0", "FloatStorage", 24, 0, new long[] {2, 3}, new long[] {3, 1}));
        specs.put("transposed", new TensorSpec("0", "FloatStorage", 24, 0, new long[] {3, 2}, new long[] {1, 3}));
        specs.put("strided", new TensorSpec("0", "FloatStorage", 24, 1, new long[] {2, 2}, new long[] {6, 2}));
        specs.put("rowsOffset", new TensorSpec("0", "FloatStorage", 24, 10, new long[] {2, 3}, new long[] {4, 1}));
        specs.put("broadcast", new TensorSpec("0", "FloatStorage", 24, 3, new long[] {2, 3}, new long[] {0, 1}));
        specs.put("scalar", new TensorSpec("0", "FloatStorage", 24, 23, new long[0], new long[0]));
        specs.put("empty", new TensorSpec("0", "FloatStorage", 24, 24, new long[] {0, 3}, new long[] {3, 1}));
        specs.put("unitDims", new TensorSpec("0", "FloatStorage", 24, 4, new long[] {1, 3, 1}, new long[] {99, 1, 7}));
        specs.put("half", TensorSpec.contiguous("1", "HalfStorage", 3));
        specs.put("bf16", TensorSpec.contiguous("2", "BFloat16Storage", 2));
        Path p = dir.resolve("shared.pt");
        TorchZipWriter.checkpoint("archive", new PickleBuilder().proto(2).stateDict(specs).stop().bytes(),
                Record.of("0", PickleBuilder.floatsLE(values)),
                Record.of("1", PickleBuilder.shortsLE(0x3C00, 0xC000, 0x3555)),
                Record.of("2", PickleBuilder.shortsLE(0x3F80, 0x4049))).write(p);
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(p, 64)) {
            assertEquals(List.copyOf(specs.keySet()), ckpt.names());
            assertEquals(FloatTensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3), ckpt.readTensor("matrix"));
            assertEquals(FloatTensor.of(new float[] {0, 3, 1, 4, 2, 5}, 3, 2), ckpt.readTensor("transposed"));
            assertEquals(FloatTensor.of(new float[] {1, 3, 7, 9}, 2, 2), ckpt.readTensor("strided"));
            assertEquals(FloatTensor.of(new float[] {10, 11, 12, 14, 15, 16}, 2, 3), ckpt.readTensor("rowsOffset"));
            assertEquals(FloatTensor.of(new float[] {3, 4, 5, 3, 4, 5}, 2, 3), ckpt.readTensor("broadcast"));
            assertEquals(FloatTensor.of(new float[] {23}), ckpt.readTensor("scalar"));
            assertEquals(FloatTensor.of(new float[0], 0, 3), ckpt.readTensor("empty"));
            assertEquals(FloatTensor.of(new float[] {4, 5, 6}, 1, 3, 1), ckpt.readTensor("unitDims"));
            assertEquals(FloatTensor.of(new float[] {1f, -2f, 0.333251953125f}, 3), ckpt.readTensor("half"));
            assertEquals(FloatTensor.of(new float[] {1f, 3.140625f}, 2), ckpt.readTensor("bf16"));
            assertEquals(DType.F16, ckpt.info("half").dtype());
            TensorInfo strided = ckpt.info("strided");
            assertEquals(4 * (9 - 1 + 1), strided.byteSize(), "span from the first to past the last element");
            var missing = assertThrows(IllegalArgumentException.class, () -> ckpt.readTensor("nope"));
            assertTrue(missing.getMessage().contains("nope") && missing.getMessage().contains(p.toString()));
        }
    }

    @Test
    void newerProtocolOpcodesNestedStateDictsAndUnknownEntriesAreRead() throws IOException {
        // Protocol 4 style: FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE, LONG1, lists, floats, None, True.
        PickleBuilder b = new PickleBuilder().proto(4).op(0x95).raw(PickleBuilder.le(8, 0));
        b.op('}').op(0x94).shortUnicode("state_dict").stackGlobal("collections", "OrderedDict").op(0x94).op(')', 'R');
        b.shortUnicode("w").stackGlobal("torch._utils", "_rebuild_tensor_v2").op(0x94).mark();
        b.mark().shortUnicode("storage").stackGlobal("torch", "FloatStorage").shortUnicode("7").shortUnicode("cuda:0")
                .op(0x8a, 1, 3).op('t').op('Q');
        b.op(0x8a, 0).tuple(3).tuple(1).op(0x88).op('h', 1).op(')', 'R').op('}').op('t', 'R').op('s');
        b.op('}').shortUnicode("_metadata").op(']').mark().integer(1).op('G')
                .raw(new byte[] {0x3f, (byte) 0xf8, 0, 0, 0, 0, 0, 0}).op('N', 0x88, 'e').op('s', 'b');
        b.op('s').stop();
        Path p = dir.resolve("p4.pt");
        TorchZipWriter.checkpoint("archive", b.bytes(), Record.of("7", PickleBuilder.floatsLE(1, 2, 3)))
                .add("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII))
                .add("archive/.data/serialization_id", "123".getBytes(StandardCharsets.US_ASCII))
                .add(Record.withMethod("archive/unknown-compressed", new byte[4], 8)).write(p);
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(p)) {
            assertEquals(List.of("w"), ckpt.names());
            assertEquals(FloatTensor.of(new float[] {1, 2, 3}, 3), ckpt.readTensor("w"));
        }
    }

    @Test
    void bigEndianByteOrderIsRefused() throws IOException {
        Path p = dir.resolve("be.pt");
        TorchZipWriter.checkpoint("a", new PickleBuilder().proto(2).tensor(TensorSpec.contiguous("0", "FloatStorage", 1))
                .stop().bytes(), Record.of("0", new byte[4])).add("a/byteorder", "big".getBytes(StandardCharsets.US_ASCII))
                .write(p);
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.open(p));
        assertTrue(e.getMessage().contains("little-endian"), e.getMessage());
    }

    @Test
    void multiGigabyteRecordsAreMappedNotRead() throws IOException {
        Assumptions.assumeTrue(Files.getFileStore(dir).getUsableSpace() > (8L << 30),
                "needs free space in case the file system does not support sparse files");
        long numel = 3L << 29; // 3 GiB of BF16
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        specs.put("huge", new TensorSpec("0", "BFloat16Storage", numel, 0, new long[] {numel}, new long[] {1}));
        specs.put("tail", new TensorSpec("0", "BFloat16Storage", numel, numel - 4, new long[] {2, 2}, new long[] {2, 1}));
        Path p = dir.resolve("big.ckpt");
        TorchZipWriter.checkpoint("big", new PickleBuilder().proto(2).stateDict(specs).stop().bytes(),
                Record.sparse("0", 2 * numel, PickleBuilder.shortsLE(0x3F80, 0x4000, 0x4040, 0xBF80), 2 * numel - 8))
                .saturateCentralDirectory().write(p);
        assertTrue(Files.size(p) > (3L << 30));

        Runtime runtime = Runtime.getRuntime();
        long usedBefore = runtime.totalMemory() - runtime.freeMemory();
        long start = System.nanoTime();
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(p)) {
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            long grown = runtime.totalMemory() - runtime.freeMemory() - usedBefore;
            assertTrue(seconds < 10, "opening took " + seconds + " s");
            assertTrue(grown < (64L << 20), "heap grew by " + grown + " bytes on open");
            assertArrayEquals(new long[] {numel}, ckpt.info("huge").shape());
            assertEquals(2 * numel, ckpt.info("huge").byteSize());
            assertEquals(FloatTensor.of(new float[] {1, 2, 3, -1}, 2, 2), ckpt.readTensor("tail"));
        }
    }

    // ---- refused and broken files: each one IOException with a precise message ----

    private Path checkpoint(String name, byte[] pickle, Record... storages) throws IOException {
        Path p = dir.resolve(name);
        TorchZipWriter.checkpoint("archive", pickle, storages).write(p);
        return p;
    }

    private static void assertRefused(Path p, String... fragments) {
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.open(p).close());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        }
        assertTrue(e.getMessage().contains(p.toString()), "message lacks the file: " + e.getMessage());
    }

    @Test
    void codeExecutingGlobalsAreRefused() throws IOException {
        assertRefused(checkpoint("os.pt", new PickleBuilder().proto(2).global("os", "system").unicode("echo pwned")
                .op(0x85, 'R').stop().bytes()), "refused global 'os system'", "GLOBAL", "nothing is executed");
        assertRefused(checkpoint("eval.pt", new PickleBuilder().proto(4).stackGlobal("builtins", "eval")
                .shortUnicode("1+1").op(0x85, 'R').stop().bytes()), "refused global 'builtins eval'", "STACK_GLOBAL");
        assertRefused(checkpoint("getattr.pt", new PickleBuilder().proto(2).global("__builtin__", "getattr").stop()
                .bytes()), "'__builtin__ getattr'");
        assertRefused(checkpoint("torchload.pt", new PickleBuilder().proto(2).global("torch", "load").stop().bytes()),
                "'torch load'");
        // Whitelisted names used the wrong way.
        assertRefused(checkpoint("storagecall.pt", new PickleBuilder().proto(2).global("torch", "FloatStorage")
                .op(')', 'R').stop().bytes()), "refused call of torch.FloatStorage");
        assertRefused(checkpoint("odargs.pt", new PickleBuilder().proto(2).global("collections", "OrderedDict")
                .op(']').op(0x85, 'R').stop().bytes()), "OrderedDict called with arguments");
        assertRefused(checkpoint("reducestr.pt", new PickleBuilder().proto(2).unicode("os.system").op(')', 'R').stop()
                .bytes()), "refused REDUCE of a str");
        assertRefused(checkpoint("persid.pt", new PickleBuilder().proto(2).mark().unicode("module").unicode("x")
                .op('t', 'Q').stop().bytes()), "refused persistent id");
        assertRefused(checkpoint("build.pt", new PickleBuilder().proto(2).op(')').op('}').op('b').stop().bytes()),
                "refused BUILD of a tuple");
        assertRefused(checkpoint("hooks.pt", new PickleBuilder().proto(2).global("torch._utils", "_rebuild_tensor_v2")
                .mark().mark().unicode("storage").global("torch", "FloatStorage").unicode("0").unicode("cpu").integer(1)
                .op('t', 'Q').integer(0).tuple(1).tuple(1).op(0x89).op('}').unicode("h").integer(1).op('s')
                .op('t', 'R').stop().bytes(), Record.of("0", new byte[4])), "refused tensor backward hooks");
    }

    @Test
    void unsupportedOpcodesAreRefused() throws IOException {
        assertRefused(checkpoint("inst.pt", new PickleBuilder().proto(2).op('i').raw("os\nsystem\n".getBytes(
                StandardCharsets.US_ASCII)).stop().bytes()), "unsupported pickle opcode INST 0x69");
        assertRefused(checkpoint("newobj.pt", new PickleBuilder().proto(2).op(')', ')', 0x81).stop().bytes()),
                "NEWOBJ 0x81");
        assertRefused(checkpoint("unknown.pt", new PickleBuilder().proto(2).op(0xff).stop().bytes()),
                "unknown opcode 0xff", "pickle offset 2");
        assertRefused(checkpoint("proto9.pt", new PickleBuilder().proto(9).stop().bytes()), "protocol 9");
    }

    @Test
    void malformedPicklesAreRefused() throws IOException {
        assertRefused(checkpoint("memo.pt", new PickleBuilder().proto(2).binget(5).stop().bytes()),
                "memo index 5 was never stored");
        assertRefused(checkpoint("longmemo.pt", new PickleBuilder().proto(2).op('N', 'r').raw(PickleBuilder.le(4,
                0xffffffffL)).op('j').raw(PickleBuilder.le(4, 0xfffffffeL)).stop().bytes()),
                "memo index 4294967294 was never stored");
        assertRefused(checkpoint("underflow.pt", new PickleBuilder().proto(2).integer(1).op(0x86).stop().bytes()),
                "stack underflow");
        assertRefused(checkpoint("underflow2.pt", new PickleBuilder().proto(2).op('R').stop().bytes()),
                "stack underflow");
        assertRefused(checkpoint("markfloor.pt", new PickleBuilder().proto(2).integer(1).mark().op(0x85).stop().bytes()),
                "stack underflow");
        assertRefused(checkpoint("nomark.pt", new PickleBuilder().proto(2).integer(1).op('t').stop().bytes()),
                "no MARK");
        assertRefused(checkpoint("nostop.pt", new PickleBuilder().proto(2).op('}').bytes()), "without a STOP");
        assertRefused(checkpoint("twovalues.pt", new PickleBuilder().proto(2).op('}', '}').stop().bytes()),
                "STOP with 2 values");
        assertRefused(checkpoint("hugestring.pt", new PickleBuilder().proto(2).op('X').raw(PickleBuilder.le(4,
                0xffffffffL)).raw(new byte[10]).stop().bytes()), "needs 4294967295 bytes but only 11 remain");
        assertRefused(checkpoint("negstring.pt", new PickleBuilder().proto(2).op('T').raw(PickleBuilder.le(4, -5))
                .stop().bytes()), "needs -5 bytes");
        byte[] bigLong = new byte[200];
        bigLong[199] = 1;
        assertRefused(checkpoint("biglong.pt", new PickleBuilder().proto(2).op(0x8a, 200).raw(bigLong).stop().bytes()),
                "does not fit in 64 bits");
        assertRefused(checkpoint("badutf8.pt", new PickleBuilder().proto(2).op(0x8c, 2, 0xff, 0xfe).stop().bytes()),
                "not valid UTF-8");
        assertRefused(checkpoint("listkey.pt", new PickleBuilder().proto(2).op('}', ']', 'N', 's').stop().bytes()),
                "dict key of type list");
        assertRefused(checkpoint("setitemlist.pt", new PickleBuilder().proto(2).op(']', 'N', 'N', 's').stop().bytes()),
                "SETITEM target is a list");
        assertRefused(checkpoint("globalline.pt", new PickleBuilder().proto(2).op('c').raw(new byte[300]).stop().bytes()),
                "newline-terminated");
    }

    @Test
    void deepNestingAndHugeCountsNeitherRecurseNorExhaustMemory() throws IOException {
        PickleBuilder lists = new PickleBuilder().proto(2);
        int depth = 200_000;
        for (int i = 0; i < depth; i++) {
            lists.op(']');
        }
        for (int i = 1; i < depth; i++) {
            lists.op('a');
        }
        assertRefused(checkpoint("deeplists.pt", lists.stop().bytes()), "is of type list, expected a state dict");

        PickleBuilder tuples = new PickleBuilder().proto(2).op('}').unicode("x").op('N');
        for (int i = 0; i < depth; i++) {
            tuples.op(0x85);
        }
        assertRefused(checkpoint("deeptuples.pt", tuples.op('s').stop().bytes()),
                "entry 'x' is of type tuple of 1, not a tensor");

        byte[] nones = new byte[RestrictedUnpickler.MAX_VALUES + 10];
        Arrays.fill(nones, (byte) 'N');
        assertRefused(checkpoint("many.pt", new PickleBuilder().proto(2).raw(nones).stop().bytes()),
                "more than " + RestrictedUnpickler.MAX_VALUES + " values");
        byte[] marks = new byte[RestrictedUnpickler.MAX_VALUES + 10];
        Arrays.fill(marks, (byte) '(');
        assertRefused(checkpoint("marks.pt", new PickleBuilder().proto(2).raw(marks).stop().bytes()), "values");
    }

    @Test
    void tensorsMustFitTheirStoragesAndRecords() throws IOException {
        TensorSpec beyond = new TensorSpec("0", "FloatStorage", 4, 2, new long[] {3}, new long[] {1});
        assertRefused(checkpoint("beyond.pt", new PickleBuilder().proto(2).tensor(beyond).stop().bytes(),
                Record.of("0", new byte[16])), "reaches past storage '0' of 4 elements");
        // A view repeating a few stored values (stride 0) would make a small file any size in memory.
        TensorSpec expanded = new TensorSpec("0", "BFloat16Storage", 2, 0, new long[] {1, 20000, 20000},
                new long[] {0, 0, 0});
        assertRefused(checkpoint("posi_prompt.pth", new PickleBuilder().proto(2).tensor(expanded).stop().bytes(),
                Record.of("0", new byte[4])), "[1, 20000, 20000]", "has 400000000 elements but views only 2",
                "repeats elements");
        TensorSpec pastArrays = new TensorSpec("0", "BFloat16Storage", 2, 0, new long[] {1L << 31},
                new long[] {0});
        assertRefused(checkpoint("expanded.pt", new PickleBuilder().proto(2).tensor(pastArrays).stop().bytes(),
                Record.of("0", new byte[4])), "2147483648 elements");
        TensorSpec overflow = new TensorSpec("0", "FloatStorage", 4, 0, new long[] {1L << 40, 1L << 40},
                new long[] {1, 1});
        assertRefused(checkpoint("overflow.pt", new PickleBuilder().proto(2).tensor(overflow).stop().bytes(),
                Record.of("0", new byte[16])), "overflows");
        assertRefused(checkpoint("norecord.pt", new PickleBuilder().proto(2)
                .tensor(TensorSpec.contiguous("5", "FloatStorage", 2)).stop().bytes(), Record.of("0", new byte[8])),
                "storage record 'archive/data/5' is missing", "tensor 'norecord'");
        assertRefused(checkpoint("short.pt", new PickleBuilder().proto(2)
                .tensor(TensorSpec.contiguous("0", "BFloat16Storage", 6)).stop().bytes(), Record.of("0", new byte[11])),
                "holds 11 bytes but its 6 BF16 elements need 12");
        Map<String, TensorSpec> conflicting = new LinkedHashMap<>();
        conflicting.put("a", TensorSpec.contiguous("0", "FloatStorage", 2));
        conflicting.put("b", TensorSpec.contiguous("0", "HalfStorage", 2));
        assertRefused(checkpoint("conflict.pt", new PickleBuilder().proto(2).stateDict(conflicting).stop().bytes(),
                Record.of("0", new byte[8])), "storage '0' is declared as 2 F32 elements and again as 2 F16");
        assertRefused(checkpoint("notdict.pt", new PickleBuilder().proto(2).integer(7).stop().bytes()),
                "the pickled object is of type int, expected a state dict");
        Path compressed = dir.resolve("deflated.pt");
        new TorchZipWriter().add(Record.withMethod("archive/data.pkl", new byte[] {(byte) 0x80, 2, '.'}, 8))
                .write(compressed);
        assertRefused(compressed, "'archive/data.pkl'", "compression method 8");
        Path noPickle = dir.resolve("nopickle.pt");
        new TorchZipWriter().add("archive/version", new byte[] {'3'}).write(noPickle);
        assertRefused(noPickle, "expected exactly one ZIP entry '<prefix>/data.pkl', found none");
    }

    @Test
    void oversizedPickleIsRefusedBeforeReading() throws IOException {
        Path p = dir.resolve("bigpickle.pt");
        new TorchZipWriter().add(Record.sparse("archive/data.pkl", TorchCheckpoint.MAX_PICKLE_BYTES + 1L,
                new byte[] {'.'}, 0)).write(p);
        assertRefused(p, "'archive/data.pkl' is " + (TorchCheckpoint.MAX_PICKLE_BYTES + 1L) + " bytes");
    }

    @Test
    void brokenArchivesAreRefused() throws IOException {
        byte[] good = Files.readAllBytes(release("posi_prompt.pth"));

        Path truncated = dir.resolve("truncated.pth");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        assertRefused(truncated, "no ZIP end-of-central-directory record", "truncated");

        Path lostTail = dir.resolve("losttail.pth");
        Files.write(lostTail, Arrays.copyOf(good, good.length - 1));
        assertRefused(lostTail, "no ZIP end-of-central-directory record");

        int directory = indexOf(good, new byte[] {'P', 'K', 1, 2});
        byte[] badSignature = good.clone();
        badSignature[directory + 3] = 9;
        Path badDirectory = dir.resolve("baddir.pth");
        Files.write(badDirectory, badSignature);
        assertRefused(badDirectory, "corrupt ZIP central directory entry 0", "no central directory header signature");

        int end = indexOf(good, new byte[] {'P', 'K', 5, 6});
        int zip64 = indexOf(good, new byte[] {'P', 'K', 6, 6});
        byte[] badOffset = good.clone();
        badOffset[zip64 + 48 + 3] = 0x7f; // central directory offset far past the end
        Path farDirectory = dir.resolve("fardir.pth");
        Files.write(farDirectory, badOffset);
        assertRefused(farDirectory, "central directory of", "does not fit");

        byte[] badLocal = good.clone();
        badLocal[0] = 'Q';
        Path badLocalHeader = dir.resolve("badlocal.pth");
        Files.write(badLocalHeader, badLocal);
        assertRefused(badLocalHeader, "no local header signature at offset 0");

        byte[] wrongCount = good.clone();
        wrongCount[zip64 + 32] = 9;
        Path countMismatch = dir.resolve("count.pth");
        Files.write(countMismatch, wrongCount);
        assertRefused(countMismatch, "9 entries cannot fit");
        assertTrue(end > zip64);

        Path text = dir.resolve("notzip.pth");
        Files.writeString(text, "this is a text file, not a checkpoint at all, but it is long enough");
        assertRefused(text, "not a ZIP archive");
        Path empty = dir.resolve("empty.pth");
        Files.write(empty, new byte[0]);
        assertRefused(empty, "0 bytes, too small for a ZIP archive");
        Path legacy = dir.resolve("legacy.pth");
        Files.write(legacy, new PickleBuilder().proto(2).op(0x8a, 10).raw(new byte[40]).stop().bytes());
        assertRefused(legacy, "legacy torch.save format");
    }

    /** Random damage to real files: the only failure allowed is an IOException (or a clean open). */
    @Test
    void damagedFilesFailOnlyWithIOException() throws IOException {
        java.util.Random random = new java.util.Random(5);
        byte[] pickle;
        try (ZipFile zip = new ZipFile(release("TCDecoder.ckpt").toFile())) {
            pickle = zip.getInputStream(zip.getEntry("TCDecoder/data.pkl")).readAllBytes();
        }
        for (int trial = 0; trial < 2000; trial++) {
            byte[] damaged = pickle.clone();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                damaged = Arrays.copyOf(damaged, random.nextInt(damaged.length));
            }
            try {
                RestrictedUnpickler.load(damaged, "fuzz " + trial);
            } catch (IOException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz " + trial + ": pickle offset "), expected.getMessage());
            }
        }
        byte[] file = Files.readAllBytes(release("posi_prompt.pth"));
        Path p = dir.resolve("fuzz.pth");
        for (int trial = 0; trial < 500; trial++) {
            byte[] damaged = file.clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            Files.write(p, damaged);
            try (TorchCheckpoint ckpt = TorchCheckpoint.open(p)) {
                for (String name : ckpt.names()) {
                    ckpt.readTensor(name);
                }
            } catch (IOException expected) {
                assertTrue(expected.getMessage().contains(p.toString()), expected.getMessage());
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }
}
