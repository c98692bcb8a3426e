package dev.openenv.envs.echo;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.openenv.core.Action;

/** The message to echo. */
@JsonClassDescription("Action for the Echo environment - just a message to echo.")
public record EchoAction(@JsonPropertyDescription("Message to echo back") String message) implements Action {}
