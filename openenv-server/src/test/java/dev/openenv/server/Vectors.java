package dev.openenv.server;

import dev.openenv.core.json.WireCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the recorded reference exchanges (src/test/resources/vectors, copied from shared/spec) and
 * compares JSON the way their README prescribes: values at volatile or version-dependent pointers
 * only have to agree in JSON type.
 */
final class Vectors {
    private Vectors() {}

    static JsonNode load(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no vector " + name);
            }
            return WireCodec.standard().parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code json} with every value at the given pointers replaced by the name of its JSON type. */
    static JsonNode portable(JsonNode json, List<String> pointers) {
        JsonNode copy = json.deepCopy();
        for (String p : pointers) {
            if (p.isEmpty()) {
                return JsonNodeFactory.instance.stringNode("<" + copy.getNodeType() + ">");
            }
            JsonPointer ptr = JsonPointer.compile(p);
            JsonNode parent = copy.at(ptr.head());
            JsonNode value = copy.at(ptr);
            if (value.isMissingNode()) {
                continue;
            }
            var marker = JsonNodeFactory.instance.stringNode("<" + value.getNodeType() + ">");
            if (parent instanceof ObjectNode o) {
                o.set(ptr.last().getMatchingProperty(), marker);
            } else if (parent instanceof ArrayNode a) {
                a.set(ptr.last().getMatchingIndex(), marker);
            }
        }
        return copy;
    }

    static List<String> pointers(JsonNode record, String... extra) {
        List<String> out = new ArrayList<>(List.of(extra));
        for (String key : new String[] {"volatile", "version_dependent"}) {
            record.path(key).forEach(p -> out.add(p.asString()));
        }
        return out;
    }
}
