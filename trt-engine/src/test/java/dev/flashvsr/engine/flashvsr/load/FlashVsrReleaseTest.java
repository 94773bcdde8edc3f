package dev.flashvsr.engine.flashvsr.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.files.SpecialFiles;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening the golden release-layout folder, and damaged copies of it. */
class FlashVsrReleaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Path golden() {
        return GoldenData.root().resolve("release-layout");
    }

    private static JsonNode goldenConfig() throws IOException {
        return JSON.readTree(golden().resolve(FlashVsrRelease.CONFIG_FILE).toFile());
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(v -> out.add(v.intValue()));
        return out;
    }

    private static Dims3 dims(JsonNode array) {
        return new Dims3(array.get(0).intValue(), array.get(1).intValue(), array.get(2).intValue());
    }

    /** A fresh copy of the golden folder in the temp dir, to damage. */
    private Path copy() throws IOException {
        Path target = Files.createTempDirectory(dir, "release");
        try (Stream<Path> files = Files.list(golden())) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    private static EngineException refused(Path folder, String... fragments) {
        EngineException e = assertThrows(EngineException.class, () -> FlashVsrRelease.open(folder).close());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        }
        assertTrue(e.remedy() != null && !e.remedy().isEmpty());
        return e;
    }

    private static void editConfig(Path folder, String section, String key, JsonNode value) throws IOException {
        Path file = folder.resolve(FlashVsrRelease.CONFIG_FILE);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        ((ObjectNode) root.get(section)).set(key, value);
        JSON.writeValue(file.toFile(), root);
    }

    /** Rewrites the DiT file through {@code edit} (a map of all its tensors, in sorted order). */
    private static void editDit(Path folder, java.util.function.Consumer<Map<String, FloatTensor>> edit)
            throws IOException {
        Path file = folder.resolve(FlashVsrRelease.DIT_FILE);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>(SafeTensors.readAll(file));
        edit.accept(tensors);
        SafeTensors.write(file, tensors, null);
    }

    @Test
    void goldenReleaseOpensWithTheConfigOfItsConfigJson() throws Exception {
        JsonNode c = goldenConfig();
        try (FlashVsrRelease release = FlashVsrRelease.open(golden())) {
            FlashVsrConfig.Dit dit = release.config().dit();
            JsonNode d = c.get("dit");
            assertEquals(d.get("dim").intValue(), dit.dim());
            assertEquals(d.get("ffn_dim").intValue(), dit.ffnDim());
            assertEquals(d.get("num_layers").intValue(), dit.numLayers());
            assertEquals(d.get("num_heads").intValue(), dit.numHeads());
            assertEquals(d.get("head_dim").intValue(), dit.headDim());
            assertEquals(d.get("in_dim").intValue(), dit.inDim());
            assertEquals(d.get("out_dim").intValue(), dit.outDim());
            assertEquals(d.get("text_dim").intValue(), dit.textDim());
            assertEquals(d.get("freq_dim").intValue(), dit.freqDim());
            assertEquals(dims(d.get("patch_size")), dit.patchSize());
            assertEquals(d.get("eps").doubleValue(), dit.eps());
            assertEquals(d.get("rope_theta").doubleValue(), dit.ropeTheta());
            assertEquals(d.get("rope_table_positions").intValue(), dit.ropeTablePositions());
            assertEquals(dims(d.get("rope_head_dim_split_t_h_w")), dit.ropeHeadDimSplit());
            assertEquals(d.get("lq_token_layers").intValue(), dit.lqTokenLayers());
            assertEquals(dims(d.get("attention_block_window_t_h_w")), dit.attentionBlockWindow());

            FlashVsrConfig.LqProj lq = release.config().lqProj();
            JsonNode l = c.get("lq_proj");
            assertEquals(LqProjVariant.CAUSAL, lq.variant(), "no lq_proj.variant: v1.1 causal");
            assertEquals(l.get("in_dim").intValue(), lq.inDim());
            assertEquals(dims(l.get("pixel_shuffle_f_h_w")), lq.pixelShuffle());
            assertEquals(l.get("hidden_dim1").intValue(), lq.hiddenDim1());
            assertEquals(l.get("hidden_dim2").intValue(), lq.hiddenDim2());
            assertEquals(l.get("out_dim").intValue(), lq.outDim());
            assertEquals(l.get("layer_num").intValue(), lq.layerNum());
            assertEquals(dims(l.get("conv_kernel")), lq.convKernel());
            assertEquals(dims(l.get("conv_stride")), lq.convStride());
            assertEquals(dims(l.get("conv_padding")), lq.convPadding());
            assertEquals(l.get("pad_mode").textValue(), lq.padMode());

            FlashVsrConfig.TcDecoder tc = release.config().tcDecoder();
            JsonNode t = c.get("tcdecoder");
            assertEquals(ints(t.get("channels")), tc.channels());
            assertEquals(t.get("latent_channels").intValue(), tc.latentChannels());
            assertEquals(t.get("cond_channels").intValue(), tc.condChannels());
            assertEquals(dims(t.get("cond_pixel_shuffle_f_h_w")), tc.condPixelShuffle());
            assertEquals(List.of(t.get("time_upscale").get(0).booleanValue(), t.get("time_upscale").get(1)
                    .booleanValue()), tc.timeUpscale());
            assertEquals(3, tc.spaceUpscale().size());
            assertEquals(t.get("frames_to_trim").intValue(), tc.framesToTrim());
            assertEquals(FlashVsrConfig.V1_1.streaming(), release.config().streaming());

            ReferenceRuns.DitRun ditRun = release.referenceRuns().dit().orElseThrow();
            JsonNode dt = c.get("dit_test");
            assertEquals(dt.get("local_range").intValue(), ditRun.localRange());
            assertEquals(dt.get("topk_ratio").doubleValue(), ditRun.topkRatio());
            assertEquals(ints(dt.get("latent_h_w")), List.of(ditRun.latentHeight(), ditRun.latentWidth()));
            assertEquals(ints(dt.get("latent_frames_per_call")), ditRun.latentFramesPerCall());
            ReferenceRuns.PipelineRun run = release.referenceRuns().pipeline().orElseThrow();
            JsonNode pt = c.get("pipeline_test");
            assertEquals(pt.get("folder").textValue(), run.folder());
            assertEquals(ints(pt.get("hr_h_w")), List.of(run.hrHeight(), run.hrWidth()));
            assertEquals(pt.get("num_frames_F").intValue(), run.numFrames());
            assertEquals(pt.get("color_fix_method").textValue(), run.colorFixMethod());
            assertEquals(pt.get("if_buffer").booleanValue(), run.ifBuffer());

            try (SafeTensorsFile ditWeights = SafeTensors.open(GoldenData.root().resolve("dit/weights.safetensors"));
                    SafeTensorsFile inputs = SafeTensors.open(GoldenData.root().resolve("dit/inputs.safetensors"))) {
                assertEquals(new HashSet<>(ditWeights.names()), new HashSet<>(release.dit().names()));
                assertEquals(new HashSet<>(ExpectedTensors.dit(dit).keySet()), new HashSet<>(ditWeights.names()),
                        "the expected DiT key list is complete");
                assertEquals(inputs.readTensor("context"), release.textContext());
                assertArrayEquals(ints(c.get("text_context").get("shape")).stream().mapToLong(i -> i).toArray(),
                        release.textContext().shape());
            }
            assertEquals(ExpectedTensors.lqProj(lq).keySet(), new HashSet<>(release.lqProj().names()));
            assertEquals(ExpectedTensors.tcDecoder(tc).keySet(), new HashSet<>(release.tcDecoder().names()));
            assertEquals(release.lqProj().readTensor("conv1.weight"),
                    SafeTensors.readAll(GoldenData.root().resolve("lqproj/weights.safetensors")).get("conv1.weight"));
        }
    }

    @Test
    void v11DefaultsAreWan13B() {
        FlashVsrConfig.Dit d = FlashVsrConfig.V1_1.dit();
        assertEquals(128, d.headDim());
        assertEquals(new Dims3(44, 42, 42), d.ropeHeadDimSplit());
        assertEquals(768, FlashVsrConfig.V1_1.lqProj().shuffledChannels());
        assertEquals(768 + d.outDim(), FlashVsrConfig.V1_1.tcDecoder().latentChannels());
        Map<String, long[]> expected = ExpectedTensors.dit(d);
        long parameters = expected.values().stream().mapToLong(FloatTensor::elementCount).sum();
        assertEquals(1_418_996_800L, parameters, "parameter count of the v1.1 DiT (notes)");
        assertEquals(287_845_888L, ExpectedTensors.lqProj(FlashVsrConfig.V1_1.lqProj()).values().stream()
                .mapToLong(FloatTensor::elementCount).sum(), "parameter count of the projector (notes)");
        assertEquals(45_338_371L, ExpectedTensors.tcDecoder(FlashVsrConfig.V1_1.tcDecoder()).values().stream()
                .mapToLong(FloatTensor::elementCount).sum(), "parameter count of the TCDecoder (notes)");
    }

    @Test
    void withoutConfigJsonTheV11HeadCountIsUsedAndMustDivideTheWeightsDim() throws IOException {
        Path folder = copy();
        Files.delete(folder.resolve(FlashVsrRelease.CONFIG_FILE));
        int dim = goldenConfig().get("dit").get("dim").intValue();
        refused(folder, "FlashVSR v1.1 default", "dit.num_heads = 12 does not divide dit.dim " + dim,
                "patch_embedding.weight");
    }

    @Test
    void variantComesFromConfigJson() throws Exception {
        Path folder = copy();
        editConfig(folder, "lq_proj", "variant", JSON.getNodeFactory().textNode("buffer"));
        try (FlashVsrRelease release = FlashVsrRelease.open(folder)) {
            assertEquals(LqProjVariant.BUFFER, release.config().lqProj().variant());
        }
        editConfig(folder, "lq_proj", "variant", JSON.getNodeFactory().textNode("fancy"));
        refused(folder, "lq_proj.variant = \"fancy\" is neither");
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path folder = copy();
        Files.delete(folder.resolve(FlashVsrRelease.TC_DECODER_FILE));
        Files.delete(folder.resolve(FlashVsrRelease.PROMPT_FILE));
        refused(folder, "missing " + FlashVsrRelease.TC_DECODER_FILE + ", " + FlashVsrRelease.PROMPT_FILE);
        refused(dir.resolve("nowhere"), "not a directory");
    }

    @Test
    void missingTensorIsNamedWithItsFileAndShape() throws IOException {
        Path folder = copy();
        editDit(folder, t -> t.remove("blocks.1.norm3.bias"));
        int dim = goldenConfig().get("dit").get("dim").intValue();
        refused(folder, FlashVsrRelease.DIT_FILE, "missing tensor 'blocks.1.norm3.bias' of shape [" + dim + "]");

        Path decoder = copy();
        Path tc = decoder.resolve(FlashVsrRelease.TC_DECODER_FILE);
        // Same-length rename inside the stored data.pkl: the key vanishes, an unknown one appears.
        byte[] bytes = Files.readAllBytes(tc);
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("decoder.26.bias", "decoder.26.xias");
        Files.write(tc, text.getBytes(StandardCharsets.ISO_8859_1));
        refused(decoder, FlashVsrRelease.TC_DECODER_FILE, "missing tensor 'decoder.26.bias' of shape [3]");
    }

    @Test
    void extraTensorsAreRefusedInTheDitButIgnoredWhenTheyAreProjectorOnes() throws Exception {
        Path folder = copy();
        editDit(folder, t -> t.put("LQ_proj_in.conv1.bias", FloatTensor.of(new float[2], 2)));
        FlashVsrRelease.open(folder).close();
        editDit(folder, t -> t.put("img_emb.proj.0.weight", FloatTensor.of(new float[2], 2)));
        refused(folder, FlashVsrRelease.DIT_FILE, "unexpected tensor 'img_emb.proj.0.weight'");
    }

    @Test
    void wrongShapeIsReportedWithExpectedAndFound() throws IOException {
        Path folder = copy();
        JsonNode d = goldenConfig().get("dit");
        int dim = d.get("dim").intValue();
        int ffn = d.get("ffn_dim").intValue();
        editDit(folder, t -> {
            FloatTensor w = t.get("blocks.1.ffn.2.weight");
            t.put("blocks.1.ffn.2.weight", FloatTensor.of(w.data(), ffn, dim));
        });
        refused(folder, FlashVsrRelease.DIT_FILE, "tensor 'blocks.1.ffn.2.weight' has shape [" + ffn + ", " + dim
                + "], expected [" + dim + ", " + ffn + "]");
    }

    @Test
    void configJsonThatContradictsTheWeightsIsRefused() throws IOException {
        Path folder = copy();
        int dim = goldenConfig().get("dit").get("dim").intValue();
        editConfig(folder, "dit", "dim", JSON.getNodeFactory().numberNode(dim + 1));
        refused(folder, "config.json: dit.dim = " + (dim + 1) + " does not match the weights",
                FlashVsrRelease.DIT_FILE + ": tensor 'patch_embedding.weight' of shape [" + dim, "gives " + dim);

        folder = copy();
        editConfig(folder, "dit", "num_heads", JSON.getNodeFactory().numberNode(5));
        refused(folder, "config.json: dit.num_heads = 5 does not divide dit.dim " + dim);
        editConfig(folder, "dit", "num_heads", JSON.getNodeFactory().textNode("2"));
        refused(folder, "dit.num_heads must be an integer, found \"2\"");

        folder = copy();
        editConfig(folder, "tcdecoder", "channels", JSON.createArrayNode().add(1).add(2).add(3).add(4));
        refused(folder, "tcdecoder.channels = [1, 2, 3, 4] does not match the weights",
                "decoder.{1,10,16,22}.weight");
    }

    @Test
    void truncatedWeightFilesAreNamed() throws IOException {
        Path folder = copy();
        Path dit = folder.resolve(FlashVsrRelease.DIT_FILE);
        byte[] bytes = Files.readAllBytes(dit);
        Files.write(dit, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        refused(folder, "cannot load " + dit, "run past the end of the data buffer");

        Path second = copy();
        Path lq = second.resolve(FlashVsrRelease.LQ_PROJ_FILE);
        byte[] ckpt = Files.readAllBytes(lq);
        Files.write(lq, java.util.Arrays.copyOf(ckpt, ckpt.length / 2));
        refused(second, "cannot load " + lq, "no ZIP end-of-central-directory record");
    }

    private static EngineException refusedInTime(Path folder, String... fragments) {
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> refused(folder, fragments));
    }

    @Test
    void fifosDevicesAndLinkLoopsAreNamedForWhatTheyAreNotMissing() throws Exception {
        Path folder = copy();
        SpecialFiles.fifo(folder.resolve(FlashVsrRelease.CONFIG_FILE));
        refusedInTime(folder, FlashVsrRelease.CONFIG_FILE, "FIFO");
        Files.delete(folder.resolve(FlashVsrRelease.CONFIG_FILE));
        Files.createSymbolicLink(folder.resolve(FlashVsrRelease.CONFIG_FILE), Path.of("/dev/zero"));
        refusedInTime(folder, FlashVsrRelease.CONFIG_FILE, "a character device");

        Path weights = copy();
        Files.delete(weights.resolve(FlashVsrRelease.LQ_PROJ_FILE));
        Files.createSymbolicLink(weights.resolve(FlashVsrRelease.LQ_PROJ_FILE), Path.of("/dev/zero"));
        Files.delete(weights.resolve(FlashVsrRelease.TC_DECODER_FILE));
        Files.createSymbolicLink(weights.resolve(FlashVsrRelease.TC_DECODER_FILE),
                Path.of(FlashVsrRelease.TC_DECODER_FILE));
        SpecialFiles.fifo(weights.resolve(FlashVsrRelease.PROMPT_FILE));
        EngineException e = refusedInTime(weights, FlashVsrRelease.LQ_PROJ_FILE + " (resolved to /dev/zero) is a "
                + "character device", FlashVsrRelease.TC_DECODER_FILE + " is a symbolic link loop",
                FlashVsrRelease.PROMPT_FILE + " is a FIFO");
        assertTrue(!e.getMessage().contains("missing"), e.getMessage());

        Path dangling = copy();
        Files.delete(dangling.resolve(FlashVsrRelease.CONFIG_FILE));
        Files.createSymbolicLink(dangling.resolve(FlashVsrRelease.CONFIG_FILE), Path.of("gone.json"));
        refused(dangling, FlashVsrRelease.CONFIG_FILE + " is a link to", "gone.json, which does not exist");
    }

    @Test
    void aReleaseMayLinkAnywhereButAPackageOnlyInsideItself() throws Exception {
        Path folder = copy();
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        Path blob = Files.move(folder.resolve(FlashVsrRelease.DIT_FILE), blobs.resolve("0123abcd"));
        Files.createSymbolicLink(folder.resolve(FlashVsrRelease.DIT_FILE), blob);
        FlashVsrRelease.open(folder).close();
        EngineException e = assertThrows(EngineException.class,
                () -> FlashVsrRelease.openPackage(folder, false).close());
        assertTrue(e.getMessage().contains("outside the package folder"), e.getMessage());
    }

    @Test
    void nonFiniteWeightsAreFoundWithTheirFileAndTensor() throws Exception {
        Path folder = copy();
        editDit(folder, t -> t.get("blocks.1.ffn.2.weight").data()[7] = Float.NaN);
        refused(folder, FlashVsrRelease.DIT_FILE, "tensor 'blocks.1.ffn.2.weight'",
                "non-finite value (NaN or infinity) at element 7");
        FlashVsrRelease.openPackage(folder, false).close(); // only the scan finds it

        Path infinite = copy();
        editDit(infinite, t -> t.get("head.head.bias").data()[0] = Float.POSITIVE_INFINITY);
        refused(infinite, "tensor 'head.head.bias'", "non-finite value");
    }

    @Test
    void configValuesOutsideWhatTheGraphsExpressAreRefusedNamingTheKey() throws IOException {
        Object[][] cases = {
            {"dit", "rope_table_positions", JSON.getNodeFactory().numberNode(Integer.MAX_VALUE),
                "dit.rope_table_positions = 2147483647 is outside [8, 65536]"},
            {"dit", "rope_table_positions", JSON.getNodeFactory().numberNode(4), "dit.rope_table_positions = 4"},
            {"dit", "eps", JSON.getNodeFactory().numberNode(1e300), "dit.eps = 1.0E300 is not below 1"},
            {"dit", "rope_theta", JSON.getNodeFactory().numberNode(0.5), "dit.rope_theta = 0.5 is outside"},
            {"dit", "attention_block_window_t_h_w", JSON.createArrayNode().add(3).add(8).add(8),
                "dit.attention_block_window_t_h_w"},
            {"dit", "attention_block_window_t_h_w", JSON.createArrayNode().add(2).add(3).add(8),
                "with h dividing 8"},
            {"lq_proj", "pixel_shuffle_f_h_w", JSON.createArrayNode().add(4).add(8).add(8),
                "lq_proj.pixel_shuffle_f_h_w = (4, 8, 8) must be (1, 16, 16)"},
            {"lq_proj", "conv_stride", JSON.createArrayNode().add(1).add(1).add(1), "lq_proj.conv_stride"},
            {"tcdecoder", "frames_to_trim", JSON.getNodeFactory().numberNode(1_000_000_000),
                "tcdecoder.frames_to_trim = 1000000000 must be 3"},
            {"tcdecoder", "frames_to_trim", JSON.getNodeFactory().numberNode(1e9), "tcdecoder.frames_to_trim must be"},
            {"tcdecoder", "space_upscale", JSON.createArrayNode().add(true).add(false).add(true),
                "tcdecoder.space_upscale"},
        };
        for (Object[] c : cases) {
            Path folder = copy();
            editConfig(folder, (String) c[0], (String) c[1], (JsonNode) c[2]);
            refused(folder, FlashVsrRelease.CONFIG_FILE, (String) c[3]);
        }
    }
}
