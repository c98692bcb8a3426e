package dev.openenv.envs.echo;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the echo environment answers: the message and its length in Unicode code points. */
@JsonClassDescription("Observation from the Echo environment - the echoed message.")
public record EchoObservation(
        @JsonPropertyDescription("The echoed message") String echoedMessage,
        @JsonPropertyDescription("Length of the echoed message") int messageLength) {}
