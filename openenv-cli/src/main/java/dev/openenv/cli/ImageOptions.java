package dev.openenv.cli;

import com.beust.jcommander.Parameter;
import java.util.ArrayList;
import java.util.List;

/** The options {@code openenv build} and {@code openenv push} share: what goes into the image. */
final class ImageOptions {
    @Parameter(description = "DIR (a project built with mvn package; default .)")
    List<String> dirs;

    @Parameter(names = "--jar", description = "The environment's jar (instead of DIR's target/NAME-VERSION.jar).")
    String jar;

    @Parameter(names = "--lib", description = "Directory of the jars it needs (default: target/lib, or lib/ beside --jar).")
    String lib;

    @Parameter(names = "--main-class", description = "Main class (default: the jar manifest's Main-Class).")
    String mainClass;

    @Parameter(names = "--base-image", description = "Base image: docker://REF (local engine), tar://PATH, a registry REF, or scratch "
            + "(default: docker://" + ImageBuilder.DEFAULT_BASE + ", made by openenv-runtime/scripts/container-base-image.sh).")
    String baseImage;

    @Parameter(names = "--jre", description = "The Java runtime to put in the image: 'auto' (jlink'ed from this JDK, cached), "
            + "a JRE directory, or 'none' when the base image has Java (then see --java).")
    String jre = "auto";

    @Parameter(names = "--java", description = "Path of java in the image when --jre none (default: java).")
    String java = "java";

    @Parameter(names = "--aot", arity = 1, description = "Bake a JDK AOT cache trained on a real episode into the image (default true; needs JDK 25, and runs the app locally to train it).")
    boolean aot = true;

    @Parameter(names = "--env", description = "KEY=VALUE set in the image (repeatable), e.g. ENABLE_WEB_INTERFACE=true.")
    List<String> env = new ArrayList<>();

    @Parameter(names = "--insecure", description = "Allow plain-HTTP registries (always allowed for localhost).")
    boolean insecure;

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;
}
