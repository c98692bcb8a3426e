package dev.openenv.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.openenv.core.Action;
import dev.openenv.core.BasicState;
import dev.openenv.core.Default;
import dev.openenv.core.json.WireCodec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

@Timeout(30)
class SchemaFactoryTest {
    enum MoveAction { UP, DOWN, LEFT, RIGHT }

    @JsonClassDescription("Move the agent.")
    record GridWorldAction(@JsonPropertyDescription("The direction to move the agent.") MoveAction action) implements Action {}

    record Board(List<List<Integer>> cells, @Default("0") int nextPlayer, @Default("null") String winner) {}

    final SchemaFactory schemas = SchemaFactory.standard();

    record Limited(@Default("0.0") @dev.openenv.core.Bounds(ge = 0, le = 60) double waitSeconds,
                   @dev.openenv.core.Bounds(gt = 0, lt = 10) int count) implements Action {}

    @Test
    void boundsBecomeMinimumAndMaximumAsPydanticWritesThem() {
        JsonNode p = schemas.actionSchema(Limited.class).path("properties");
        assertThat(p.path("wait_seconds").path("minimum").toString()).isEqualTo("0.0");
        assertThat(p.path("wait_seconds").path("maximum").toString()).isEqualTo("60.0");
        assertThat(p.path("count").path("exclusiveMinimum").toString()).isEqualTo("0");
        assertThat(p.path("count").path("exclusiveMaximum").toString()).isEqualTo("10");
        assertThat(p.path("count").has("minimum")).isFalse();
    }

    @Test
    void actionsLookLikeTheReferencesPydanticSchemas() {
        JsonNode s = schemas.actionSchema(GridWorldAction.class);
        assertThat(s.path("title").asString()).isEqualTo("GridWorldAction");
        assertThat(s.path("description").asString()).isEqualTo("Move the agent.");
        assertThat(s.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(s.path("properties").propertyNames()).containsExactly("metadata", "action");
        assertThat(s.path("required")).extracting(JsonNode::asString).containsExactly("action");
        JsonNode action = s.path("properties").path("action");
        assertThat(action.path("description").asString()).isEqualTo("The direction to move the agent.");
        assertThat(action.path("title").asString()).isEqualTo("Action");
        assertThat(action.path("type").asString()).isEqualTo("string");
        assertThat(WireCodec.standard().write(action)).contains("\"UP\",\"DOWN\",\"LEFT\",\"RIGHT\"");
    }

    @Test
    void defaultsTitlesAndNullabilityComeFromTheRecord() {
        JsonNode s = schemas.observationSchema(Board.class);
        JsonNode p = s.path("properties");
        assertThat(p.propertyNames()).containsExactly("done", "reward", "metadata", "cells", "next_player", "winner");
        assertThat(p.path("next_player").path("title").asString()).isEqualTo("Next Player");
        assertThat(p.path("next_player").path("default").asInt()).isZero();
        assertThat(p.path("winner").path("default").isNull()).isTrue();
        assertThat(p.path("cells").path("type").asString()).isEqualTo("array");
        assertThat(p.path("cells").path("items").path("items").path("type").asString()).isEqualTo("integer");
        assertThat(s.path("required")).extracting(JsonNode::asString).containsExactly("cells");
    }

    @Test
    void statesAllowExtraPropertiesAndDefaultTheBaseFields() {
        JsonNode s = schemas.stateSchema(BasicState.class);
        assertThat(s.path("additionalProperties").asBoolean()).isTrue();
        assertThat(s.path("properties").path("step_count").path("default").asInt()).isZero();
        assertThat(s.has("required")).isFalse();
    }
}
