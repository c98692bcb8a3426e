package dev.openenv.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;

/**
 * {@code openenv push [DIR] --registry HOST/REPO:TAG}: builds the environment's image (as
 * {@code openenv build}) and pushes it to an OCI registry with Jib. Plain HTTP is allowed for
 * localhost, and elsewhere with {@code --insecure}. Credentials come from Docker's config and
 * credential helpers, as Jib reads them.
 */
@Parameters(commandDescription = "Build the environment's image and push it to an OCI registry.")
final class PushCommand {
    @ParametersDelegate
    ImageOptions image = new ImageOptions();

    @Parameter(names = "--registry", required = true, description = "Where to push: HOST[:PORT]/REPO[:TAG].")
    String registry;

    int call() {
        return BuildCommand.run(image, null, null, registry);
    }
}
