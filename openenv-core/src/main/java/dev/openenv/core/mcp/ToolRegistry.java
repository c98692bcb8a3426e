package dev.openenv.core.mcp;

import dev.openenv.core.json.ActionValidationException;
import dev.openenv.core.json.ValidationError;
import dev.openenv.core.json.WireCodec;
import dev.openenv.core.schema.SchemaFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The tools of one environment instance, by name and mode. */
final class ToolRegistry {
    static final Set<String> RESERVED = Set.of("reset", "step", "state", "close");

    /** One registered tool. {@code invoke} binds JSON arguments and calls the handler. */
    record Entry(String name, String description, ObjectNode inputSchema, ObjectNode outputSchema, ToolMode mode,
                 Function<JsonNode, Object> invoke) {}

    private final Map<String, List<Entry>> byName = new LinkedHashMap<>();
    private final WireCodec codec = WireCodec.standard();

    void add(Entry entry) {
        if (entry.name() == null || entry.name().isBlank()) {
            throw new IllegalArgumentException("a tool needs a name");
        }
        if (RESERVED.contains(entry.name())) {
            throw new IllegalArgumentException("tool name '" + entry.name()
                    + "' is reserved (reset, step, state and close are the environment's own API, not tools)");
        }
        List<Entry> same = byName.computeIfAbsent(entry.name(), n -> new ArrayList<>());
        for (Entry e : same) {
            if (e.mode() == entry.mode() || e.mode() == ToolMode.BOTH || entry.mode() == ToolMode.BOTH) {
                throw new IllegalArgumentException("tool '" + entry.name() + "' is already registered for " + e.mode());
            }
        }
        same.add(entry);
    }

    /** The tools offered in {@code mode} (SIMULATION or PRODUCTION), in registration order. */
    List<Entry> visible(ToolMode mode) {
        List<Entry> out = new ArrayList<>();
        for (List<Entry> entries : byName.values()) {
            for (Entry e : entries) {
                if (e.mode() == ToolMode.BOTH || e.mode() == mode) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** The tool called {@code name} in {@code mode}, or a {@code tool_not_found} failure. */
    Entry find(String name, ToolMode mode) {
        List<Entry> entries = byName.get(name);
        if (entries == null) {
            throw new McpToolException(new ToolError(ToolError.Type.TOOL_NOT_FOUND, "Unknown tool: '" + name + "'"));
        }
        return entries.stream().filter(e -> e.mode() == ToolMode.BOTH || e.mode() == mode).findFirst()
                .orElseThrow(() -> new McpToolException(new ToolError(ToolError.Type.TOOL_NOT_FOUND,
                        "Tool '" + name + "' not available in " + mode.name().toLowerCase(java.util.Locale.ROOT) + " mode")));
    }

    <P extends Record> Entry recordTool(String name, String description, Class<P> params, Class<?> result,
                                        Function<P, ?> handler, ToolMode mode) {
        ObjectNode schema = argumentSchema(SchemaFactory.standard().schemaOf(params));
        return new Entry(name, description, schema, result == null ? null : outputSchema(result), mode,
                args -> handler.apply(bind(name, args, params)));
    }

    Entry methodTool(Object target, Method method, McpTool annotation) {
        String name = annotation.name().isEmpty() ? method.getName() : annotation.name();
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        var required = schema.putArray("required");
        for (Parameter p : method.getParameters()) {
            if (!p.isNamePresent()) {
                throw new IllegalStateException("@McpTool method " + method.getDeclaringClass().getName() + "." + method.getName()
                        + " has no parameter names at run time, so its tool arguments cannot be named. Compile with"
                        + " -parameters (Maven: <parameters>true</parameters> in maven-compiler-plugin's configuration;"
                        + " Gradle: options.compilerArgs += '-parameters'), or declare the tool with"
                        + " tool(name, description, ParamsRecord.class, handler), whose argument names come from the record.");
            }
            ObjectNode ps = SchemaFactory.standard().schemaOf(p.getType());
            ps.remove("title");
            props.set(p.getName(), ps);
            required.add(p.getName());
        }
        schema.put("additionalProperties", false);
        method.setAccessible(true);
        Function<JsonNode, Object> invoke = args -> {
            Object[] values = bindParameters(name, method, args);
            try {
                return method.invoke(target, values);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new McpToolException(ToolError.classify(String.valueOf(cause.getMessage())), cause);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        };
        return new Entry(name, annotation.description(), schema, outputSchema(method.getReturnType()), annotation.mode(), invoke);
    }

    /**
     * The schema of a method tool's result as FastMCP 3 derives it from a return annotation: objects
     * (records, maps) describe themselves; any other value is wrapped as {@code {"result": value}} and
     * marked {@code x-fastmcp-wrap-result}; {@code void}, {@code Object} and raw JSON declare nothing.
     */
    private static ObjectNode outputSchema(Class<?> type) {
        if (type == void.class || type == Void.class || type == Object.class || JsonNode.class.isAssignableFrom(type)) {
            return null;
        }
        if (Map.class.isAssignableFrom(type)) {
            return JsonNodeFactory.instance.objectNode().put("additionalProperties", true).put("type", "object");
        }
        ObjectNode schema = SchemaFactory.standard().schemaOf(type);
        if (type.isRecord()) {
            return schema;
        }
        schema.remove("title");
        ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
        wrapped.putObject("properties").set("result", schema);
        wrapped.putArray("required").add("result");
        wrapped.put("type", "object");
        wrapped.put("x-fastmcp-wrap-result", true);
        return wrapped;
    }

    /** An argument schema as FastMCP shows one: no titles, for the object or its properties. */
    private static ObjectNode argumentSchema(ObjectNode schema) {
        schema.remove("title");
        schema.remove("description");
        schema.path("properties").forEach(p -> {
            if (p instanceof ObjectNode o) {
                o.remove("title");
            }
        });
        return schema;
    }

    private <P> P bind(String tool, JsonNode args, Class<P> type) {
        try {
            return codec.decode(args, type);
        } catch (ActionValidationException e) {
            throw invalid(tool, e.errors());
        }
    }

    private Object[] bindParameters(String tool, Method method, JsonNode args) {
        Parameter[] params = method.getParameters();
        Object[] values = new Object[params.length];
        List<ValidationError> errors = new ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            JsonNode v = args.get(params[i].getName());
            if (v == null) {
                errors.add(new ValidationError("missing_argument", List.of(params[i].getName()), "Missing required argument", args, null));
                continue;
            }
            ObjectNode single = JsonNodeFactory.instance.objectNode();
            single.set("value", v);
            try {
                values[i] = bindOne(single, params[i]);
            } catch (ActionValidationException e) {
                String pname = params[i].getName();
                e.errors().forEach(err -> errors.add(new ValidationError(err.type(), List.of(pname), err.msg(), err.input(), null)));
            }
        }
        for (var e : args.properties()) {
            boolean known = false;
            for (Parameter p : params) {
                known |= p.getName().equals(e.getKey());
            }
            if (!known) {
                errors.add(new ValidationError("unexpected_keyword_argument", List.of(e.getKey()), "Unexpected keyword argument", e.getValue(), null));
            }
        }
        if (!errors.isEmpty()) {
            throw invalid(tool, errors);
        }
        return values;
    }

    /** Binds one parameter through a one-field record so the codec's lax rules apply. */
    private Object bindOne(ObjectNode single, Parameter p) {
        Class<?> t = p.getType();
        if (t == String.class) {
            return codec.decode(single, StringArg.class).value();
        } else if (t == int.class || t == Integer.class) {
            return codec.decode(single, IntArg.class).value();
        } else if (t == long.class || t == Long.class) {
            return codec.decode(single, LongArg.class).value();
        } else if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return codec.decode(single, DoubleArg.class).value();
        } else if (t == boolean.class || t == Boolean.class) {
            return codec.decode(single, BoolArg.class).value();
        }
        return codec.mapper().convertValue(single.get("value"), t);
    }

    private record StringArg(String value) {}

    private record IntArg(int value) {}

    private record LongArg(long value) {}

    private record DoubleArg(double value) {}

    private record BoolArg(boolean value) {}

    /** The reference's pydantic message for bad arguments (FastMCP validates a call as {@code call[tool]}), classified as it does. */
    private static McpToolException invalid(String tool, List<ValidationError> errors) {
        List<ValidationError> asCall = errors.stream().map(e -> switch (e.type()) {
            case "missing" -> new ValidationError("missing_argument", e.loc(), "Missing required argument", e.input(), e.ctx());
            case "extra_forbidden" -> new ValidationError("unexpected_keyword_argument", e.loc(), "Unexpected keyword argument", e.input(), e.ctx());
            default -> e;
        }).toList();
        return new McpToolException(ToolError.classify(ValidationError.describe("call[" + tool + "]", asCall)));
    }
}
