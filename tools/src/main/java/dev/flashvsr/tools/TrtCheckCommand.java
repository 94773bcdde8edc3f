package dev.flashvsr.tools;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.flashvsr.FlashVsrPackage;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import dev.flashvsr.engine.tensorrt.check.TrtCompatibility;
import dev.flashvsr.engine.tensorrt.check.TrtProblem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flashvsr trt-check}: checks graphs statically against TensorRT 10.15's ONNX parser,
 * without TensorRT or a GPU (see {@link TrtCompatibility}).
 */
@Command(name = "trt-check", mixinStandardHelpOptions = true,
        description = {"Check ONNX graphs against what TensorRT 10.15's ONNX parser accepts (operators and their",
                "limits such as TopK K <= 3840, opsets 9-24, data types, INT8 Q/DQ rules, input shapes, external",
                "data), without a GPU. Prints one line per problem; exit code 1 when there is an error."})
final class TrtCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PACKAGE|GRAPH.onnx",
            description = "A model package folder (or its manifest.json), a built-in model name (e.g. "
                    + Models.VSR_SMALL + "), a FlashVSR package (its graphs exported by import --export-onnx,"
                    + " under onnx/WxH/), or .onnx files.")
    List<String> targets;

    /** A graph to check: its label in the output, its bytes, and the folder of its external data. */
    private record Graph(String label, byte[] bytes, Path folder) {
    }

    @Override
    public Integer call() {
        List<Graph> graphs = new ArrayList<>();
        for (String target : targets) {
            graphs.addAll(graphsOf(target));
        }
        PrintWriter out = spec.commandLine().getOut();
        int nodes = 0;
        int errors = 0;
        for (Graph graph : graphs) {
            TrtCompatibility.GraphReport report = TrtCompatibility.check(graph.label(), graph.bytes(), graph.folder());
            report.problems().forEach(out::println);
            errors += (int) report.problems().stream().filter(p -> p.severity() == TrtProblem.Severity.ERROR).count();
            nodes += report.nodes();
        }
        out.flush();
        if (errors > 0) {
            throw CliException.failure(errors + " TensorRT problem" + (errors == 1 ? "" : "s") + " in " + graphs.size()
                    + " graphs (listed above)");
        }
        out.println("ok: " + graphs.size() + " graphs, " + nodes + " nodes");
        return FlashVsrCli.EXIT_OK;
    }

    private static List<Graph> graphsOf(String target) {
        Path path = Path.of(target);
        try {
            if (Files.isRegularFile(path) && target.endsWith(".onnx")) {
                return List.of(readGraph(path));
            }
            if (Files.isDirectory(path) || (Files.isRegularFile(path)
                    && path.getFileName().toString().equals(ModelManifest.FILE_NAME))) {
                Path folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
                return FlashVsrPackage.isFlashVsrManifest(folder.resolve(FlashVsrPackage.MANIFEST))
                        ? exportedGraphs(folder) : packageGraphs(ModelPackage.load(path));
            }
            if (!Files.exists(path) && Models.builtInNames().contains(target)) {
                return packageGraphs(ModelPackage.loadResource("/dev/flashvsr/models/" + target + "/"));
            }
        } catch (EngineException e) {
            throw CliException.usage(e.getMessage());
        } catch (IOException e) {
            throw CliException.usage("cannot read " + target + ": " + e.getMessage());
        }
        throw CliException.usage(target + " is neither an .onnx file, a model package folder nor a built-in model"
                + " with graphs (" + String.join(", ", List.of(Models.VSR_SMALL, Models.VSR_SMALL_FAST)) + ")");
    }

    private static Graph readGraph(Path file) throws IOException {
        if (Files.size(file) > ModelPackage.MAX_GRAPH_BYTES) {
            throw new IOException("over 2 GB, more than one ONNX model can hold; keep weights in external data");
        }
        return new Graph(file.toString(), Files.readAllBytes(file), file.toAbsolutePath().getParent());
    }

    private static List<Graph> packageGraphs(ModelPackage pkg) {
        return pkg.manifest().graphs().stream().map(g -> new Graph(Path.of(pkg.location(), g.file()).toString(),
                pkg.graph(g), pkg.externalDataFolder(g).orElse(null))).toList();
    }

    /** A FlashVSR package's graphs are built in memory; the exported ones lie in onnx/WxH/. */
    private static List<Graph> exportedGraphs(Path folder) throws IOException {
        Path onnx = folder.resolve("onnx");
        List<Path> files = List.of();
        if (Files.isDirectory(onnx)) {
            try (Stream<Path> all = Files.walk(onnx, 2)) {
                files = all.filter(f -> f.toString().endsWith(".onnx") && Files.isRegularFile(f)).sorted().toList();
            }
        }
        if (files.isEmpty()) {
            throw new IOException("the FlashVSR package has no exported graphs under " + onnx
                    + "; write them with flashvsr import --export-onnx WxH");
        }
        List<Graph> graphs = new ArrayList<>();
        for (Path file : files) {
            graphs.add(readGraph(file));
        }
        return graphs;
    }
}
