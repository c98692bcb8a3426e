package __PACKAGE__;

/** What the agent sees after reset and each step. */
public record __CLASS__Observation(String hint, int guessesLeft) {}
