package dev.openenv.runtime.internal;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Reads the tail of an environment Pod's log, for errors and {@code StartedEnv.logs()}. */
public final class PodLogs {
    private PodLogs() {}

    /**
     * The last {@code lines} lines of the pod's log; when the current container has none (a crash loop: it may not
     * have started yet), the previous container's. Empty when neither can be read.
     */
    public static String tail(KubernetesClient k8s, String namespace, String pod, int lines) {
        var named = k8s.pods().inNamespace(namespace).withName(pod);
        try {
            String log = named.tailingLines(lines).getLog();
            if (log != null && !log.isBlank()) {
                return log;
            }
        } catch (KubernetesClientException e) {
            // no current container: try the previous one
        }
        try {
            String previous = named.terminated().tailingLines(lines).getLog();
            return previous == null ? "" : previous;
        } catch (KubernetesClientException e) {
            return "";
        }
    }
}
