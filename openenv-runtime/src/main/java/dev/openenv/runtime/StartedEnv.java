package dev.openenv.runtime;

import dev.openenv.client.RunningEnv;
import java.time.Duration;

/**
 * An environment server a provider of this module started. States:
 * <pre>
 *   running ──close()──▶ closed           (everything started for it is stopped and removed)
 *      └──server dies on its own──▶ dead ──close()──▶ closed
 * </pre>
 * A shutdown hook closes it when the JVM exits first; processes also die with the JVM when it is
 * killed outright (see each provider for how).
 */
public interface StartedEnv extends RunningEnv {
    /** What was started, e.g. {@code process [java, -jar, …] pid 4242} or {@code container 3f2a… (image …)}. */
    String description();

    /** Whether the server is still alive as far as the provider can tell (process, container or pod). */
    boolean isRunning();

    /** The last lines the server printed (bounded); empty where the provider has no separate log. */
    String logs();

    /** From the call to {@code start()} until the first reset was answered (or the wait strategy passed). */
    Duration startupTime();
}
