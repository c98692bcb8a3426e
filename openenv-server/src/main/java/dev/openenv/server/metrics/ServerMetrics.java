package dev.openenv.server.metrics;

import dev.openenv.core.protocol.Failure;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The server's meters, scraped as Prometheus text at {@code GET /metrics}. One instance per server;
 * thread-safe, and cheap enough for the step path: every count is a striped adder of our own and the
 * latencies go to a fixed-bucket {@link LatencyHistogram}.
 *
 * <pre>
 *   openenv_sessions_active                 gauge    sessions holding a capacity slot
 *   openenv_sessions_opened_total{kind}     counter  websocket | http
 *   openenv_sessions_closed_total{by}       counter  client | server (idle reaping, dropped peers, shutdown)
 *   openenv_sessions_reaped_total           counter  closed for idleness (also counted as by="server")
 *   openenv_sessions_refused_total          counter  CAPACITY_REACHED answers
 *   openenv_steps_total                     counter  steps answered
 *   openenv_step_seconds                    histogram one environment step (decoded action to encoded reply)
 *   openenv_reset_seconds                   histogram one reset
 *   openenv_errors_total{code,kind}         counter  error answers by /ws error code (EXECUTION_ERROR, …) and
 *                                                    failure kind (Execution, Timeout, NotFound, CapacityReached, …)
 *   openenv_received_bytes_total{transport} counter  HTTP request bodies; WebSocket bytes as read (frames and their headers)
 *   openenv_sent_bytes_total{transport}     counter  HTTP responses as written; WebSocket bytes as written
 *   openenv_jvm_heap_after_gc_bytes         gauge    heap in use right after the most recent collection
 * </pre>
 * plus Micrometer's JVM and process meters ({@code jvm_threads_live_threads}, {@code jvm_memory_used_bytes},
 * {@code process_files_open_files}, …), so a soak can see leaks from the outside.
 *
 * <p>Start-up: Micrometer's Prometheus registry and its JVM binders take 300–500 ms to load on these machines
 * (measured cold), longer than the whole server otherwise needs to answer its first reset. So they are built
 * {@value #BUILD_AFTER_MILLIS} ms after {@link #publish()}, or by the first scrape if it comes sooner (which then
 * waits for them), and not at all when the server does not serve {@code /metrics}: the counts never depend on
 * them (they are read from our adders at each scrape), so every server counts, whether or not it publishes.
 */
public final class ServerMetrics {
    private final LongAdder openedWs = new LongAdder();
    private final LongAdder openedHttp = new LongAdder();
    private final LongAdder closedByClient = new LongAdder();
    private final LongAdder closedByServer = new LongAdder();
    private final LongAdder reaped = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder wsIn = new LongAdder();
    private final LongAdder wsOut = new LongAdder();
    private final LongAdder httpIn = new LongAdder();
    private final LongAdder httpOut = new LongAdder();
    private final LatencyHistogram steps = new LatencyHistogram();
    private final LatencyHistogram resets = new LatencyHistogram();
    /** Error answers by failure kind; each kind's counter is registered when first seen (at the next scrape). */
    private final Map<Class<?>, Errors> errors = new ConcurrentHashMap<>();
    private static final System.Logger LOG = System.getLogger(ServerMetrics.class.getName());

    private record Errors(String code, LongAdder count) {}

    private record Registry(PrometheusMeterRegistry meters, JvmGcMetrics gc, Map<Class<?>, Boolean> errorsRegistered) {}

    /** How long after {@link #publish()} the registry is built, unless a scrape asks for it sooner. */
    static final long BUILD_AFTER_MILLIS = 2000;

    private final IntSupplier activeSessions;
    private volatile Thread init; // null until published

    /**
     * Counters only: nothing is built for Prometheus until {@link #publish()} or a {@link #scrape()}.
     *
     * @param activeSessions the slots in use, read at each scrape
     */
    public ServerMetrics(IntSupplier activeSessions) {
        this.activeSessions = activeSessions;
    }

    /** The server serves {@code /metrics}: build the registry {@value #BUILD_AFTER_MILLIS} ms from now, off the start path. */
    public void publish() {
        init = Thread.ofVirtual().name("openenv-metrics-init").start(() -> {
            try {
                Thread.sleep(BUILD_AFTER_MILLIS); // not while the server starts: both cores are busy then
            } catch (InterruptedException e) {
                return; // closed first
            }
            try {
                registry();
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "metrics: building the registry failed (" + e + "); the next scrape tries again");
            }
        });
    }

    /**
     * The registry, built by the first caller (the delayed thread or a scrape). A build that fails (out of file
     * descriptors while loading its classes, say) is thrown to that caller and tried again by the next one.
     */
    private synchronized Registry registry() {
        if (built == null) {
            built = build(activeSessions);
        }
        return built;
    }

    private Registry built; // guarded by this

    private Registry build(IntSupplier activeSessions) {
        var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("openenv.sessions.active", activeSessions::getAsInt).description("Sessions holding a capacity slot").register(meters);
        counter(meters, "openenv.sessions.opened", openedWs, "kind", "websocket");
        counter(meters, "openenv.sessions.opened", openedHttp, "kind", "http");
        counter(meters, "openenv.sessions.closed", closedByClient, "by", "client");
        counter(meters, "openenv.sessions.closed", closedByServer, "by", "server");
        counter(meters, "openenv.sessions.reaped", reaped);
        counter(meters, "openenv.sessions.refused", refused);
        FunctionCounter.builder("openenv.steps", steps, LatencyHistogram::count).description("Steps answered").register(meters);
        bytes(meters, "openenv.received", wsIn, "websocket");
        bytes(meters, "openenv.received", httpIn, "http");
        bytes(meters, "openenv.sent", wsOut, "websocket");
        bytes(meters, "openenv.sent", httpOut, "http");
        Gauge.builder("openenv.jvm.heap.after.gc", ServerMetrics::heapAfterLastGc).baseUnit("bytes")
                .description("Heap in use right after the most recent garbage collection: what a leak makes grow").register(meters);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        new FileDescriptorMetrics().bindTo(meters);
        return new Registry(meters, gc, new ConcurrentHashMap<>());
    }

    private static void counter(PrometheusMeterRegistry meters, String name, LongAdder count, String... tags) {
        FunctionCounter.builder(name, count, LongAdder::sum).tags(tags).register(meters);
    }

    private static void bytes(PrometheusMeterRegistry meters, String name, LongAdder count, String transport) {
        FunctionCounter.builder(name, count, LongAdder::sum).baseUnit("bytes").tag("transport", transport).register(meters);
    }

    public void stepTook(long nanos) {
        steps.record(nanos);
    }

    public void resetTook(long nanos) {
        resets.record(nanos);
    }

    public void sessionOpened(boolean websocket) {
        (websocket ? openedWs : openedHttp).increment();
    }

    public void sessionClosed(boolean byServer) {
        (byServer ? closedByServer : closedByClient).increment();
    }

    /** A session closed for idleness (its close is counted by {@link #sessionClosed} too). */
    public void reaped() {
        reaped.increment();
    }

    public void refused() {
        refused.increment();
    }

    /** An error answer of {@code failure}'s code, on any transport. */
    public void failed(Failure failure) {
        Errors e = errors.get(failure.getClass());
        if (e == null) {
            e = errors.computeIfAbsent(failure.getClass(), kind -> new Errors(failure.code().name(), new LongAdder()));
        }
        e.count().increment();
    }

    public void received(boolean websocket, long bytes) {
        (websocket ? wsIn : httpIn).add(bytes);
    }

    public void sent(boolean websocket, long bytes) {
        (websocket ? wsOut : httpOut).add(bytes);
    }

    /**
     * The heap in use right after the most recent collection, whichever collector ran it (young, mixed or full):
     * the sum over heap pools of its {@code GcInfo}'s usage after. NaN before the first collection. (Each pool's
     * own "collection usage" is not this: under G1 the old generation's is only refreshed by old collections, so
     * that sum read 0 for long stretches and then jumped, while the live heap stayed at 9 MiB.)
     */
    private static double heapAfterLastGc() {
        try {
            return heapAfterLatestGcInfo();
        } catch (LinkageError noJdkManagement) {
            return Double.NaN; // a runtime jlink'ed without jdk.management
        }
    }

    private static double heapAfterLatestGcInfo() {
        GcInfo latest = null;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean withInfo) {
                GcInfo info = withInfo.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return Double.NaN;
        }
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = pool.getType() == MemoryType.HEAP ? latest.getMemoryUsageAfterGc().get(pool.getName()) : null;
            if (after != null) {
                used += after.getUsed();
            }
        }
        return used;
    }

    /** Every meter in Prometheus text format 0.0.4 (waits for the registry the first time, if it is still being built). */
    public String scrape() {
        Registry r = registry();
        errors.forEach((kind, e) -> r.errorsRegistered().computeIfAbsent(kind, k -> {
            FunctionCounter.builder("openenv.errors", e.count(), LongAdder::sum).tag("code", e.code()).tag("kind", k.getSimpleName())
                    .description("Error answers by OpenEnv error code and failure kind").register(r.meters());
            return true;
        }));
        var out = new StringBuilder(r.meters().scrape());
        steps.appendTo(out, "openenv_step_seconds", "One environment step, from the decoded action to the encoded reply");
        resets.appendTo(out, "openenv_reset_seconds", "One environment reset");
        return out.toString();
    }

    /** The content type of {@link #scrape()}. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    /** Stops the collectors' listeners (the GC notifications), if the registry was built; a build under way finishes first. */
    public void close() {
        Thread t = init;
        if (t != null) {
            t.interrupt(); // a registry not built yet never will be
        }
        Registry r;
        synchronized (this) {
            r = built;
        }
        if (r != null) {
            r.gc().close();
            r.meters().close();
        }
    }
}
