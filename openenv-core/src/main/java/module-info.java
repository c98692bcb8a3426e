/**
 * OpenEnv core: the environment SPI, the wire types, the protocol model and the JSON codec.
 *
 * <p>API packages: {@code dev.openenv.core} (the SPI environment authors implement),
 * {@code dev.openenv.core.mcp} (tools as actions), {@code dev.openenv.core.protocol} (the wire messages,
 * error codes and failure mapping shared by server and client), {@code dev.openenv.core.rubric} (rewards
 * composed from rubrics) and {@code dev.openenv.core.json} (the
 * codec and the validation errors users see). The JSON codec exposes Jackson 3's tree types on purpose
 * ({@code JsonNode}, {@code ObjectNode}, {@code ArrayNode}, {@code JsonMapper}) and authors annotate their
 * records with Jackson's annotations ({@code @JsonProperty}), so both are required transitively.
 * Schema generation is an implementation detail of the server's {@code /schema} endpoint.
 *
 * <p>Environment classes and their records are read reflectively: a named module that defines an
 * environment must {@code opens} its package to {@code dev.openenv.core} and {@code tools.jackson.databind}.
 */
module dev.openenv.core {
    requires transitive tools.jackson.databind;
    requires com.github.victools.jsonschema.generator;
    requires com.fasterxml.classmate;   // the generator's type model, used by SchemaFactory
    requires java.net.http;             // the LLM judge's OpenAI-compatible client

    exports dev.openenv.core;
    exports dev.openenv.core.json;
    exports dev.openenv.core.mcp;
    exports dev.openenv.core.protocol;
    exports dev.openenv.core.rubric;
    exports dev.openenv.core.schema to dev.openenv.server;

    opens dev.openenv.core to tools.jackson.databind;
    opens dev.openenv.core.mcp to tools.jackson.databind;
    opens dev.openenv.core.protocol to tools.jackson.databind;
}
