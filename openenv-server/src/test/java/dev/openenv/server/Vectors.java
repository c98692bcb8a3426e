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

    /**
     * {@code actual} in the envelope shape of the line {@code expected} was recorded from. The 0.3-line
     * vectors predate 0.10's envelope, which nests {@code metadata} in every observation and always sends
     * a top-level {@code metadata} over HTTP ({@code null} when empty); where the recording has neither,
     * they are taken out of {@code actual} so the rest can still be compared byte for byte. The
     * {@code v010-*} vectors, recorded from 0.10.0 by interop/scripts/record-vectors.py, have both and
     * are compared as they are.
     */
    static JsonNode asRecorded(JsonNode expected, JsonNode actual) {
        if (!(actual instanceof tools.jackson.databind.node.ObjectNode copy) || !expected.isObject()) {
            return actual;
        }
        copy = copy.deepCopy();
        for (var e : copy.properties()) {
            JsonNode want = expected.get(e.getKey());
            if (want != null) {
                e.setValue(asRecorded(want, e.getValue()));
            }
        }
        boolean envelope = copy.has("observation") && copy.has("done");
        if (envelope && copy.path("observation").isObject() && !expected.path("observation").has("metadata")) {
            ((tools.jackson.databind.node.ObjectNode) copy.get("observation")).remove("metadata");
        }
        if (envelope && copy.path("metadata").isNull() && !expected.has("metadata")) {
            copy.remove("metadata");
        }
        return copy;
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
