package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PTX the build put on the class path defines what the Java side will load: every kernel of
 * {@link CudaKernels} as a visible entry point with the parameter types its launch passes, in PTX
 * of the expected ISA version and target, and one PTX module per kernel source. Without PTX (the
 * build found no clang++-16) the checks fail in CI and are skipped elsewhere.
 */
class PtxSignatureTest {
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)\\s+\\w+");

    static List<CudaKernels.Kernel> kernels() {
        return CudaKernels.ALL;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void kernelIsDefinedWithTheParametersTheLauncherPasses(CudaKernels.Kernel kernel) throws IOException {
        String ptx = ptx(kernel.ptxResource());
        List<String> expected = kernel.params().stream().map(CudaKernels.Param::ptxType).toList();
        Optional<List<String>> actual = entryParamTypes(ptx, kernel.name());
        assertTrue(actual.isPresent(), kernel.ptxResource() + " defines no '.visible .entry " + kernel.name() + "('");
        assertEquals(expected, actual.get(), kernel.name() + " parameter types (CudaKernels against the PTX)");
    }

    @Test
    void everyKernelSourceIsBuiltForTheExpectedIsaAndTarget() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(HostKernelLibrary.KERNEL_SOURCES)) {
            sources = files.filter(file -> file.toString().endsWith(".cu")).sorted().toList();
        }
        assertFalse(sources.isEmpty(), "no .cu files in " + HostKernelLibrary.KERNEL_SOURCES.toAbsolutePath());
        for (Path source : sources) {
            String module = source.getFileName().toString().replaceFirst("\\.cu$", "");
            String ptx = ptx(CudaKernels.RESOURCE_FOLDER + module + ".ptx");
            assertTrue(ptx.lines().anyMatch(line -> line.strip().equals(".version " + CudaKernels.PTX_ISA_VERSION)),
                    module + ".ptx is not PTX ISA " + CudaKernels.PTX_ISA_VERSION);
            assertTrue(ptx.lines().anyMatch(line -> line.strip().equals(".target " + CudaKernels.PTX_TARGET)),
                    module + ".ptx does not target " + CudaKernels.PTX_TARGET);
        }
    }

    @Test
    void readsTheParameterTypesOfAVisibleEntry() {
        String ptx = """
                .visible .func helper(
                \t.param .u32 helper_param_0
                )
                .visible .entry scale(
                \t.param .u64 scale_param_0,
                \t.param .u32 scale_param_1,
                \t.param .f32 scale_param_2
                )
                {
                \tret;
                }
                """;
        assertEquals(Optional.of(List.of("u64", "u32", "f32")), entryParamTypes(ptx, "scale"));
        assertEquals(Optional.of(List.of()), entryParamTypes(".visible .entry noop(\n)\n{\n}\n", "noop"));
    }

    @Test
    void findsNoEntryThatIsMissingHiddenOrOnlyAFunction() {
        String ptx = """
                .entry hidden(
                \t.param .u64 hidden_param_0
                )
                .visible .func helper(
                \t.param .u32 helper_param_0
                )
                .visible .entry scale_rows(
                \t.param .u64 scale_rows_param_0
                )
                """;
        assertEquals(Optional.empty(), entryParamTypes(ptx, "hidden"));
        assertEquals(Optional.empty(), entryParamTypes(ptx, "helper"));
        assertEquals(Optional.empty(), entryParamTypes(ptx, "scale"), "a prefix of another entry's name");
        assertEquals(Optional.empty(), entryParamTypes(ptx, "absent"));
    }

    @Test
    void aParameterOfAnotherTypeChangesTheSignature() {
        String ptx = ".visible .entry scale(\n\t.param .u64 scale_param_0,\n\t.param .f64 scale_param_1\n)\n";
        assertEquals(Optional.of(List.of("u64", "f64")), entryParamTypes(ptx, "scale"));
    }

    /**
     * The parameter types ({@code u64}, {@code u32}, {@code f32}, ...) of the entry point
     * {@code .visible .entry name(...)}, in order; empty when the PTX does not define it.
     */
    static Optional<List<String>> entryParamTypes(String ptx, String name) {
        Matcher entry = Pattern.compile("^\\.visible\\s+\\.entry\\s+" + Pattern.quote(name) + "\\(([^)]*)\\)",
                Pattern.MULTILINE).matcher(ptx);
        if (!entry.find()) {
            return Optional.empty();
        }
        List<String> types = new ArrayList<>();
        Matcher param = PARAM.matcher(entry.group(1));
        while (param.find()) {
            types.add(param.group(1));
        }
        return Optional.of(types);
    }

    /** A PTX resource's text; fails in CI when it is missing, skips the test elsewhere. */
    private static String ptx(String resource) throws IOException {
        try (InputStream in = PtxSignatureTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                String reason = resource + " is not on the class path: the build compiles the CUDA kernels to PTX"
                        + " with clang++-16 and found none (install it with scripts/install-deps.sh)";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    fail(reason);
                }
                Assumptions.abort(reason);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
