package dev.flashvsr.element.testmodels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A copy of the shipped {@code vsr-small} package with only its fp32 graphs, so tests of a missing
 * precision keep failing when other variants are added to the shipped package.
 */
public final class Fp32OnlyPackage {
    private static final Path SHIPPED = Path.of("..", "models", "vsr-small");

    private Fp32OnlyPackage() {
    }

    /** Writes the package into {@code folder} (created) and returns the folder. */
    public static Path create(Path folder) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(SHIPPED.resolve("manifest.json").toFile());
        ArrayNode fp32 = json.createArrayNode();
        Files.createDirectories(folder);
        for (JsonNode graph : manifest.get("graphs")) {
            // A graph without a precision field is fp32.
            if (graph.path("precision").asText("fp32").equals("fp32")) {
                fp32.add(graph);
                String file = graph.get("file").asText();
                Files.copy(SHIPPED.resolve(file), folder.resolve(file));
            }
        }
        manifest.set("name", manifest.textNode("vsr-small-fp32-only"));
        manifest.set("graphs", fp32);
        json.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("manifest.json").toFile(), manifest);
        return folder;
    }
}
