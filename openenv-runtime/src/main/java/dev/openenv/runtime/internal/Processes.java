package dev.openenv.runtime.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Starting and stopping server processes so that none outlives its provider, nor this JVM. */
public final class Processes {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private Processes() {}

    /**
     * Processes are started from one long-lived platform thread. A child asked to die with its parent
     * ({@code PR_SET_PDEATHSIG}, used by {@code setpriv --pdeathsig} and {@code bwrap --die-with-parent})
     * dies when the parent <em>thread</em> that started it ends, not the parent process: started from a
     * pooled or virtual thread's carrier, it could be killed long before anyone closed it.
     */
    private static final class Launcher {
        static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "openenv-process-launcher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether {@link #dieWithJvm(List)} can do its job here (Linux with util-linux's setpriv). */
    public static boolean canDieWithJvm() {
        return Files.isExecutable(SETPRIV);
    }

    /**
     * {@code command} wrapped so the kernel kills it (SIGKILL) when this JVM dies, even by SIGKILL,
     * when no shutdown hook runs. Unchanged where that is not available.
     */
    public static List<String> dieWithJvm(List<String> command) {
        if (!canDieWithJvm()) {
            return command;
        }
        var wrapped = new ArrayList<String>(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Starts {@code builder}'s process from the launcher thread. */
    public static Process start(ProcessBuilder builder) throws IOException {
        try {
            return Launcher.THREAD.submit(builder::start).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + builder.command(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /**
     * Ends {@code process} and every descendant: SIGTERM, then SIGKILL for whatever is still alive after
     * {@code grace}. Returns once all of them are gone (or after a further 10 s, which only an
     * unkillable process in uninterruptible sleep can take).
     */
    public static void destroyTree(Process process, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            for (ProcessHandle h : all) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException ignored) {
            // SIGKILL below
        }
        // Descendants may have started more processes meanwhile.
        process.descendants().forEach(all::add);
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            for (ProcessHandle h : all) {
                h.onExit().get(10, TimeUnit.SECONDS);
            }
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException ignored) {
            // nothing more can be done from user space
        }
    }

    /** How a process ended, for error messages. */
    public static String exitDescription(Process process) {
        int code = process.exitValue();
        return code > 128 ? "exited with code " + code + " (signal " + (code - 128) + ")" : "exited with code " + code;
    }
}
