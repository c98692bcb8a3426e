package dev.openenv.core.protocol;

import dev.openenv.core.ResetRequest;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.protocol.WireFuzzTest.Move;
import dev.openenv.core.protocol.WireFuzzTest.Point;
import dev.openenv.core.protocol.WireFuzzTest.Probe;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The inputs of {@link WireFuzzTest}, each drawn from the case's own {@link Random}: text, hand-written JSON with
 * repeated keys and huge numbers, JSON trees of every node kind, messages, reset requests and action records.
 */
final class WireGenerators {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final WireCodec CODEC = WireCodec.standard();

    private WireGenerators() {}

    static final List<String> STEP_FIELDS = List.of("text", "count", "big", "ratio", "flag", "move", "tags", "extra", "at", "maybe",
            "ids", "scores", "raw", "metadata");
    static final List<String> RESET_FIELDS = List.of("seed", "index", "episode_id", "split", "options");

    /** The index of the weight chosen, each with probability weight / sum. */
    static int weighted(Random r, int... weights) {
        int x = r.nextInt(Arrays.stream(weights).sum());
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    @SafeVarargs
    static <T> T pick(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }

    static <T> List<T> listOf(Random r, int max, Function<Random, T> item) {
        List<T> out = new ArrayList<>();
        for (int i = 0, n = r.nextInt(max + 1); i < n; i++) {
            out.add(item.apply(r));
        }
        return out;
    }

    /** Any UTF-16 text of at most {@code max} chars: control characters and lone surrogates included. */
    static String anyText(Random r, int max) {
        char[] c = new char[r.nextInt(max + 1)];
        for (int i = 0; i < c.length; i++) {
            c[i] = switch (r.nextInt(4)) {
                case 0 -> (char) r.nextInt(0x10000);
                case 1 -> (char) r.nextInt(0x20);
                default -> (char) (0x20 + r.nextInt(0x5f));
            };
        }
        return new String(c);
    }

    static String textOf(Random r, String alphabet, int max) {
        char[] c = new char[r.nextInt(max + 1)];
        for (int i = 0; i < c.length; i++) {
            c[i] = alphabet.charAt(r.nextInt(alphabet.length()));
        }
        return new String(c);
    }

    static BigInteger bigInteger(Random r, int maxDigits) {
        BigInteger b = new BigInteger(1 + r.nextInt((int) (maxDigits * 3.32)), r);
        return r.nextBoolean() ? b : b.negate();
    }

    static double anyFiniteDouble(Random r) {
        double d = switch (r.nextInt(3)) {
            case 0 -> r.nextDouble();
            case 1 -> (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(600) - 300);
            default -> Double.longBitsToDouble(r.nextLong());
        };
        return Double.isFinite(d) ? d : 0.0;
    }

    /** Any text at all, and text that is nearly JSON: a JSON message cut short or with a character changed. */
    static String texts(Random r) {
        return switch (weighted(r, 1, 1, 2)) {
            case 0 -> anyText(r, 200);
            case 1 -> textOf(r, "{}[]\":,0123456789.eE+-truefalsn \\u", 80);
            default -> {
                String text = rawMessage(r, 3);
                int i = text.isEmpty() ? 0 : r.nextInt(1001) % text.length();
                char c = (char) r.nextInt(0x10000);
                yield switch (r.nextInt(3)) {
                    case 0 -> text.substring(0, i);
                    case 1 -> text.substring(0, i) + c + text.substring(Math.min(text.length(), i + 1));
                    default -> text.substring(0, i) + c + text.substring(i);
                };
            }
        };
    }

    /** JSON text of a message, written by hand so that objects may repeat a key and numbers may be huge. */
    static String rawMessage(Random r, int depth) {
        String t = r.nextBoolean() ? pick(r, "\"reset\"", "\"step\"", "\"state\"", "\"close\"", "\"mcp\"", "\"bogus\"", "\"\\ud800\"")
                : rawValue(r, 1);
        String d = r.nextBoolean() ? rawObject(r, depth) : rawValue(r, depth);
        int shape = r.nextInt(4);
        var members = new ArrayList<String>();
        if (shape != 1) {
            members.add("\"type\":" + t);
        }
        if (shape != 2) {
            members.add("\"data\":" + d);
        }
        if (shape == 3) {
            members.addAll(listOf(r, 2, x -> rawMember(x, rawValue(x, 1))));
            members.add("\"type\":" + t); // a repeated key
        }
        return "{" + String.join(",", members) + "}";
    }

    static String rawValue(Random r, int depth) {
        int kind = depth <= 0 ? 0 : weighted(r, 3, 1, 1);
        return switch (kind) {
            case 0 -> switch (r.nextInt(4)) {
                case 0 -> pick(r, "null", "true", "false", "0", "-0", "1.0", "1e400", "-1e400", "1e-400", "4.9e-324",
                        "9223372036854775808", "-9223372036854775809", "1" + "0".repeat(999), "1" + "0".repeat(1000),
                        "1E+2147483648", "0.1e-2147483648", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"", "\"42\"",
                        "\" 7 \"", "\"1_000\"", "\"yes\"", "\"NaN\"", "\"Infinity\"", "\"1e400\"");
                case 1 -> bigInteger(r, 40).toString();
                case 2 -> Double.toString(anyFiniteDouble(r));
                default -> quote(anyText(r, 20));
            };
            case 1 -> "[" + String.join(",", listOf(r, 4, x -> rawValue(x, depth - 1))) + "]";
            default -> rawObject(r, depth - 1);
        };
    }

    static String rawObject(Random r, int depth) {
        return "{" + String.join(",", listOf(r, 5, x -> rawMember(x, rawValue(x, Math.max(0, depth))))) + "}";
    }

    static String rawMember(Random r, String value) {
        return quote(key(r)) + ":" + value;
    }

    static String key(Random r) {
        return r.nextBoolean() ? WireFuzzTest.KNOWN_KEYS.get(r.nextInt(WireFuzzTest.KNOWN_KEYS.size())) : anyText(r, 8);
    }

    /** A JSON string literal for any Java string, lone surrogates included (escaped as \\uXXXX). */
    static String quote(String s) {
        var sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    static JsonNode messageTree(Random r) {
        JsonNode t = r.nextBoolean() ? NODES.stringNode(pick(r, "reset", "step", "state", "close", "mcp", "", "Step", "observation", "error"))
                : tree(r, 1);
        JsonNode data = tree(r, 3);
        int shape = r.nextInt(4);
        ObjectNode msg = NODES.objectNode();
        if (shape != 1) {
            msg.set("type", t);
        }
        if (shape != 2) {
            msg.set("data", data);
        }
        if (shape == 3) {
            members(r, x -> tree(x, 2)).forEach(msg::set);
        }
        return msg;
    }

    /** JSON trees as the parser builds them: every node kind, huge numbers, any string, known keys. */
    static JsonNode tree(Random r, int depth) {
        int kind = depth <= 0 ? 0 : weighted(r, 2, 1, 2);
        return switch (kind) {
            case 0 -> switch (r.nextInt(9)) {
                case 0 -> NODES.nullNode();
                case 1 -> NODES.booleanNode(r.nextBoolean());
                case 2 -> NODES.numberNode(r.nextInt());
                case 3 -> NODES.numberNode(r.nextLong());
                case 4 -> NODES.numberNode(bigInteger(r, 400));
                case 5 -> NODES.numberNode(anyFiniteDouble(r));
                case 6 -> NODES.numberNode(pick(r, new BigDecimal("1E+400"), new BigDecimal("-1E+400"), new BigDecimal("1E-400"),
                        new BigDecimal("12345678901234567890.5"), new BigDecimal("1E+2000000000")));
                case 7 -> NODES.stringNode(anyText(r, 20));
                default -> NODES.stringNode(pick(r, "42", "4.0", "true", "yes", "x", "UP", "1e400", "\ud800"));
            };
            case 1 -> {
                ArrayNode a = NODES.arrayNode();
                listOf(r, 4, x -> tree(x, depth - 1)).forEach(a::add);
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                members(r, x -> tree(x, depth - 1)).forEach(o::set);
                yield o;
            }
        };
    }

    static Map<String, JsonNode> members(Random r, Function<Random, JsonNode> value) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (int i = 0, n = r.nextInt(7); i < n; i++) {
            m.put(key(r), value.apply(r));
        }
        return m;
    }

    /** Trees the writer can write and the reader gives back equal: no NaN, no BigDecimal (read back as double). */
    static JsonNode writableTree(Random r, int depth) {
        int kind = depth <= 0 ? 0 : weighted(r, 2, 1, 1);
        return switch (kind) {
            case 0 -> switch (r.nextInt(7)) {
                case 0 -> NODES.nullNode();
                case 1 -> NODES.booleanNode(r.nextBoolean());
                case 2 -> NODES.numberNode(r.nextInt());
                case 3 -> NODES.numberNode(r.nextBoolean() ? Integer.MAX_VALUE + 1L + (r.nextLong() >>> 2)
                        : Integer.MIN_VALUE - 1L - (r.nextLong() >>> 2));
                case 4 -> NODES.numberNode(BigInteger.TEN.pow(30).add(new BigInteger(1 + r.nextInt(900), r)));
                case 5 -> NODES.numberNode(anyFiniteDouble(r));
                default -> NODES.stringNode(anyText(r, 20));
            };
            case 1 -> {
                ArrayNode a = NODES.arrayNode();
                listOf(r, 4, x -> writableTree(x, depth - 1)).forEach(a::add);
                yield a;
            }
            default -> writableObject(r, depth - 1);
        };
    }

    static ObjectNode writableObject(Random r, int depth) {
        ObjectNode o = NODES.objectNode();
        members(r, x -> writableTree(x, depth)).forEach(o::set);
        return o;
    }

    /** Objects holding some of {@code names} (and perhaps one other key), each with any value. */
    static ObjectNode fieldsOf(Random r, List<String> names) {
        ObjectNode o = NODES.objectNode();
        for (String name : names) {
            JsonNode value = weighted(r, 4, 1) == 0 ? tree(r, 0) : tree(r, 2);
            if (r.nextBoolean()) {
                o.set(name, value);
            }
        }
        members(r, x -> tree(x, 1)).entrySet().stream().limit(1).forEach(e -> o.set(e.getKey(), e.getValue()));
        return o;
    }

    static ClientMessage clientMessage(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> new ClientMessage.Reset(writableObject(r, 3));
            case 1 -> new ClientMessage.Step(writableObject(r, 3));
            case 2 -> new ClientMessage.Mcp(writableObject(r, 3));
            case 3 -> new ClientMessage.State();
            default -> new ClientMessage.Close();
        };
    }

    static ServerMessage serverMessage(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> new ServerMessage.Observation(writableObject(r, 3));
            case 1 -> new ServerMessage.State(writableTree(r, 3));
            case 2 -> new ServerMessage.Mcp(writableTree(r, 3));
            case 3 -> {
                ErrorCode[] codes = Arrays.stream(ErrorCode.values()).filter(c -> c != ErrorCode.UNKNOWN).toArray(ErrorCode[]::new);
                ErrorCode code = pick(r, codes);
                ObjectNode details = writableObject(r, 2);
                details.remove(List.of("code", "message")); // the frame's own members: details never carry them
                yield new ServerMessage.Error(code, code.wire(), anyText(r, 30), details);
            }
            default -> {
                String t = anyText(r, 30);
                Failure f = switch (r.nextInt(7)) {
                    case 0 -> new Failure.Execution(t);
                    case 1 -> new Failure.BadRequest(t);
                    case 2 -> new Failure.SessionFailed(t);
                    case 3 -> new Failure.CapacityReached(r.nextInt(), r.nextInt());
                    case 4 -> new Failure.FactoryFailed(t);
                    case 5 -> new Failure.UnknownType(t);
                    default -> new Failure.InvalidJson(t, r.nextBoolean() ? -1 : r.nextLong() >>> 1);
                };
                yield ServerMessage.Error.of(f, CODEC);
            }
        };
    }

    /** {@code value}, or null three times in ten. */
    static <T> T orNull(Random r, T value) {
        return r.nextInt(10) < 3 ? null : value;
    }

    static ResetRequest resetRequest(Random r) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            String k = anyText(r, 8);
            if (!List.of("seed", "episode_id", "split", "index").contains(k)) {
                options.put(k, switch (r.nextInt(3)) {
                    case 0 -> (Object) r.nextInt();
                    case 1 -> anyText(r, 10);
                    default -> r.nextBoolean();
                });
            }
        }
        return new ResetRequest(orNull(r, r.nextLong()), orNull(r, anyText(r, 12)), orNull(r, anyText(r, 6)), orNull(r, r.nextInt()), options);
    }

    static Probe probe(Random r) {
        Map<String, Object> extra = new LinkedHashMap<>();
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            extra.put(anyText(r, 20), anyText(r, 20));
        }
        Set<Integer> ids = new HashSet<>(listOf(r, 3, Random::nextInt));
        Map<String, Integer> scores = new LinkedHashMap<>();
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            scores.put(anyText(r, 20), r.nextInt());
        }
        return new Probe(anyText(r, 20), r.nextInt(), r.nextLong(), anyFiniteDouble(r), r.nextBoolean(), pick(r, Move.values()),
                listOf(r, 3, x -> anyText(x, 20)), extra, new Point(r.nextInt(), r.nextInt()), r.nextBoolean() ? null : r.nextInt(),
                ids, scores, null);
    }
}
