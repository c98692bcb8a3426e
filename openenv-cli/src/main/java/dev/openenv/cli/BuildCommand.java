package dev.openenv.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import java.nio.file.Path;

/**
 * {@code openenv build [DIR]}: the OCI image of an environment project (after {@code mvn package}) or of
 * {@code --jar} + {@code --main-class}, made with Jib without a Docker daemon. It goes to the local
 * engine ({@code --to-daemon}, the default: docker or podman load), to an OCI tar ({@code --to-tar}) or
 * to a registry ({@code --to-registry}, as {@code openenv push} does).
 */
@Parameters(commandDescription = "Build the container image of an environment (Jib; no Docker daemon needed).")
final class BuildCommand {
    @ParametersDelegate
    ImageOptions image = new ImageOptions();

    @Parameter(names = {"-t", "--tag"}, description = "Image name (default: localhost/NAME:latest).")
    String tag;

    @Parameter(names = "--to-tar", description = "Write the image to this tar file (docker load / podman load read it).")
    String toTar;

    @Parameter(names = "--to-registry", description = "Push the image to this registry reference, e.g. localhost:5000/env:1.")
    String toRegistry;

    @Parameter(names = "--to-daemon", description = "Load the image into the local engine (the default).")
    boolean toDaemon;

    int call() {
        if ((toTar != null ? 1 : 0) + (toRegistry != null ? 1 : 0) + (toDaemon ? 1 : 0) > 1) {
            System.err.println("openenv: choose one of --to-daemon, --to-tar, --to-registry");
            return 2;
        }
        return run(image, toRegistry != null ? null : tag, toTar, toRegistry);
    }

    /** Builds and writes the image; shared with {@link PushCommand}. */
    static int run(ImageOptions image, String tag, String toTar, String toRegistry) {
        var builder = new ImageBuilder(image);
        try {
            ImageBuilder.App app = builder.resolve();
            String reference = tag != null ? tag : "localhost/" + app.name().replace('_', '-') + ":latest";
            ImageBuilder.Target target = toRegistry != null ? new ImageBuilder.Target.Registry(toRegistry)
                    : toTar != null ? new ImageBuilder.Target.Tar(Path.of(toTar).toAbsolutePath(), reference)
                    : new ImageBuilder.Target.Daemon(reference);
            var result = builder.build(app, target);
            System.out.println(result.getTargetImage() + "@" + result.getDigest());
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("openenv: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null && e.getClass().getName().contains("ExecutionException") ? e.getCause() : e;
            System.err.println("openenv: build failed: " + cause);
            return 1;
        }
    }
}
