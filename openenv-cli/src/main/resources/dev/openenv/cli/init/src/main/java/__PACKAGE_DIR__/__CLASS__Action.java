package __PACKAGE__;

import dev.openenv.core.Action;

/** What the agent sends each step: its guess. Unknown JSON fields are refused, like upstream's pydantic models. */
public record __CLASS__Action(int guess) implements Action {}
