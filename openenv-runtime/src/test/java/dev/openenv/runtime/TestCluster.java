package dev.openenv.runtime;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * The real cluster the Kubernetes tests run on: the one {@code KUBECONFIG} names — in CI the single-node cluster
 * of {@code scripts/kube-cluster.sh} (real apiserver, scheduler, controller manager, kubelet and containerd, no
 * pod network: pods are reached by port-forward). The echo image is the container tests' one, saved from the
 * engine and loaded into the cluster's containerd, unless {@code -Dopenenv.kubernetes.image} names one the
 * cluster can pull.
 */
final class TestCluster {
    private static String image;

    private TestCluster() {}

    /** The echo image, in the cluster. */
    static synchronized String echoImage() throws IOException, InterruptedException {
        String given = System.getProperty("openenv.kubernetes.image");
        if (given != null && !given.isBlank()) {
            return given;
        }
        if (image == null) {
            DockerClient docker = ContainerEngine.connect();
            String built = ContainerEngine.buildEchoImage(docker);
            Path tar = Path.of("target", "echo-kube.tar").toAbsolutePath();
            try (InputStream saved = docker.saveImageCmd(built).exec()) {
                Files.copy(saved, tar, StandardCopyOption.REPLACE_EXISTING);
            }
            long t0 = System.nanoTime();
            Process load = new ProcessBuilder(Path.of("scripts", "kube-cluster.sh").toAbsolutePath().toString(), "load", tar.toString())
                    .redirectErrorStream(true).start();
            String out = new String(load.getInputStream().readAllBytes());
            if (!load.waitFor(2, TimeUnit.MINUTES) || load.exitValue() != 0) {
                throw new IllegalStateException("kube-cluster.sh load failed (is the cluster of scripts/kube-cluster.sh up?): " + out);
            }
            System.out.printf("loaded %s into the cluster in %d ms%n", built, (System.nanoTime() - t0) / 1_000_000);
            image = built;
        }
        return image;
    }

    /**
     * Readiness for pods the kubelet cannot reach (no pod network: a pod has only its own loopback): bash in the
     * container asks {@code /health} on its loopback.
     */
    static String[] readinessCommand(int port) {
        return new String[] {"bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port
                + " && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3"
                + " && head -1 <&3 | grep -q ' 200 '"};
    }
}
