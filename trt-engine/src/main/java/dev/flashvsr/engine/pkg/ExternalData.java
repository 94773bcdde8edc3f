package dev.flashvsr.engine.pkg;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.files.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the ONNX external data a package graph refers to (initializers stored in other files,
 * as ONNX does for models past protobuf's 2 GB): every location is a plain relative name that
 * resolves, against the graph's own folder, to a regular file inside the package holding the
 * bytes the entry names. ONNX Runtime would otherwise look such names up in the process's current
 * directory when the graph is loaded from memory.
 */
final class ExternalData {
    private static final String REMEDY = "Keep each graph's external data files next to it inside the package";

    private ExternalData() {
    }

    /**
     * Checks the external data of graph {@code file}; returns the real folder it lies in, or null
     * when the graph has none.
     */
    static Path check(byte[] graph, String file, ModelPackage.Source source) throws EngineException {
        String where = "graph " + file + " of model package " + source.describe();
        ModelProto model;
        try {
            model = ModelProto.parseFrom(graph);
        } catch (InvalidProtocolBufferException e) {
            throw new EngineException(where + " is not an ONNX model: " + e.getMessage(),
                    "The graph file is not a valid ONNX model");
        }
        Map<String, Long> sizes = new HashMap<>();
        List<TensorProto> external = new ArrayList<>();
        collect(model.getGraph(), external);
        if (external.isEmpty()) {
            return null;
        }
        Path root = source.folder();
        if (root == null) {
            throw new EngineException(where + " keeps initializers in external data files, which a built-in "
                    + "package cannot hold", REMEDY);
        }
        Path folder;
        try {
            folder = ModelFiles.regularFileInside(root.resolve(file), root).getParent();
        } catch (IOException e) {
            throw new EngineException(where + ": " + e.getMessage(), REMEDY, e);
        }
        for (TensorProto tensor : external) {
            checkTensor(tensor, where, folder, root, sizes);
        }
        return folder;
    }

    /** Adds the external initializers of a graph and of the graphs inside its nodes. */
    private static void collect(GraphProto graph, List<TensorProto> external) {
        for (TensorProto tensor : graph.getInitializerList()) {
            if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                external.add(tensor);
            }
        }
        for (NodeProto node : graph.getNodeList()) {
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG()) {
                    collect(attribute.getG(), external);
                }
                for (GraphProto inner : attribute.getGraphsList()) {
                    collect(inner, external);
                }
            }
        }
    }

    private static void checkTensor(TensorProto tensor, String where, Path folder, Path root, Map<String, Long> sizes)
            throws EngineException {
        String what = where + ": initializer '" + tensor.getName() + "'";
        Map<String, String> entries = new HashMap<>();
        for (StringStringEntryProto entry : tensor.getExternalDataList()) {
            entries.put(entry.getKey(), entry.getValue());
        }
        String location = entries.get("location");
        if (location == null) {
            throw new EngineException(what + " is external but names no location", REMEDY);
        }
        String problem = PackagePaths.problemWith(location);
        if (problem != null) {
            throw new EngineException(what + ": external data location " + problem, REMEDY);
        }
        long offset = number(entries.get("offset"), 0, what, "offset");
        long length = number(entries.get("length"), -1, what, "length");
        long size;
        try {
            Long known = sizes.get(location);
            size = known != null ? known : Files.size(ModelFiles.regularFileInside(folder.resolve(location), root));
            sizes.put(location, size);
        } catch (IOException e) {
            throw new EngineException(what + ": external data file " + location + ": " + e.getMessage(), REMEDY, e);
        }
        if (offset > size || (length >= 0 && length > size - offset)) {
            throw new EngineException(what + " reaches past the end of its external data file " + location + " ("
                    + size + " bytes; offset " + offset + ", length " + length + ")",
                    "The data file is truncated or belongs to another graph");
        }
    }

    private static long number(String text, long absent, String what, String key) throws EngineException {
        if (text == null) {
            return absent;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new EngineException(what + ": external data " + key + " \"" + text + "\" is not a non-negative integer",
                REMEDY);
    }
}
