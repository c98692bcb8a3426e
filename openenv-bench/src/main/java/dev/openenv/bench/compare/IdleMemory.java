package dev.openenv.bench.compare;

import dev.openenv.bench.load.LoadGenerator;
import java.nio.file.Path;

/**
 * Memory held per idle session: N sessions connected and reset, then left open; the server's resident
 * memory (whole process tree) and, for a JVM, its live heap after a full GC, each against the same
 * server with one session.
 */
final class IdleMemory {
    private IdleMemory() {}

    /** KiB; heap figures are -1 for a server that is not a JVM. */
    record Result(int sessions, int held, double connectMillis, long baselineRssKib, long rssKib, double rssKibPerSession,
                  long baselineHeapKib, long heapKib, double heapKibPerSession) {}

    static Result measure(ServerProcess server, int sessions, Path javaBin) throws InterruptedException {
        Path jcmd = javaBin.resolveSibling("jcmd");
        long heap0 = server.jvmHeapUsedKib(jcmd);
        Thread.sleep(500);
        long rss0 = server.rssKib();
        var plan = LoadGenerator.Plan.of(server.baseUrl(), sessions, 0, 0).holdingSessions();
        try (var gen = new LoadGenerator(plan)) {
            var r = gen.run();
            Thread.sleep(2_000); // let the server settle (buffers returned, threads parked)
            long heap = server.jvmHeapUsedKib(jcmd);
            long rss = server.rssKib();
            int held = r.succeeded();
            return new Result(sessions, held, r.connectMillis(), rss0, rss, held == 0 ? 0 : (double) (rss - rss0) / held,
                    heap0, heap, heap < 0 || held == 0 ? -1 : (double) (heap - heap0) / held);
        }
    }
}
