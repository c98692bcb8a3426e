package __PACKAGE__;

import dev.openenv.core.State;

/** GET /state: the two protocol fields plus this environment's own. */
public record __CLASS__State(String episodeId, int stepCount, boolean solved) implements State {}
