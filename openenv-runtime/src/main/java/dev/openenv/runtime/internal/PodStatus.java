package dev.openenv.runtime.internal;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;
import java.util.Set;

/** Reads a Pod's status: ready, hopeless (waiting will not help), or a one-line description for errors. */
public final class PodStatus {
    /** Container states that will not get better by waiting. */
    private static final Set<String> HOPELESS = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CrashLoopBackOff",
            "CreateContainerConfigError", "CreateContainerError", "RunContainerError");


    private PodStatus() {}

    public static boolean isReady(Pod pod) {
        var status = pod.getStatus();
        return status != null && "Running".equals(status.getPhase()) && status.getConditions() != null
                && status.getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    public static Optional<String> failureOf(Pod pod) {
        var status = pod.getStatus();
        if (status == null) {
            return Optional.empty();
        }
        if ("Failed".equals(status.getPhase()) || "Succeeded".equals(status.getPhase())) {
            return Optional.of("ended (phase " + status.getPhase() + (status.getReason() != null ? ", " + status.getReason() : "") + ")");
        }
        if (status.getContainerStatuses() != null) {
            for (ContainerStatus c : status.getContainerStatuses()) {
                var state = c.getState();
                if (state != null && state.getWaiting() != null && HOPELESS.contains(state.getWaiting().getReason())) {
                    String message = state.getWaiting().getMessage();
                    return Optional.of("cannot run its container: " + state.getWaiting().getReason() + (message != null ? " (" + message + ")" : ""));
                }
                if (state != null && state.getTerminated() != null) {
                    return Optional.of("container exited with code " + state.getTerminated().getExitCode());
                }
            }
        }
        return Optional.empty();
    }

    public static String describe(Pod pod) {
        var status = pod.getStatus();
        if (status == null || status.getPhase() == null) {
            return "no status yet";
        }
        String waiting = status.getContainerStatuses() == null ? "" : status.getContainerStatuses().stream()
                .filter(c -> c.getState() != null && c.getState().getWaiting() != null)
                .map(c -> ", " + c.getState().getWaiting().getReason()).findFirst().orElse("");
        return "phase " + status.getPhase() + waiting;
    }
}
