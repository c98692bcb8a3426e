package dev.openenv.server.metrics;

import dev.openenv.core.protocol.Failure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The server's meters, scraped as Prometheus text at {@code GET /metrics}. One instance per server;
 * every method is cheap and thread-safe (counters are striped adders, the step timer a lock-free
 * histogram), so the step path may call it.
 *
 * <pre>
 *   openenv_sessions_active                 gauge    sessions holding a capacity slot
 *   openenv_sessions_opened_total{kind}     counter  websocket | http
 *   openenv_sessions_closed_total{by}       counter  client | server (idle reaping, dropped peers, shutdown)
 *   openenv_sessions_reaped_total           counter  closed for idleness (also counted as by="server")
 *   openenv_sessions_refused_total          counter  CAPACITY_REACHED answers
 *   openenv_step_seconds                    histogram one environment step (decode to encoded reply); _count = steps
 *   openenv_reset_seconds                   histogram one reset
 *   openenv_errors_total{code,kind}         counter  error answers by /ws error code (EXECUTION_ERROR, …) and
 *                                                    failure kind (Execution, Timeout, NotFound, CapacityReached, …)
 *   openenv_received_bytes_total{transport} counter  HTTP request bodies; WebSocket bytes as read (frames and their headers)
 *   openenv_sent_bytes_total{transport}     counter  HTTP responses as written; WebSocket bytes as written
 *   openenv_jvm_heap_after_gc_bytes         gauge    heap in use just after each heap pool's last collection
 * </pre>
 * plus Micrometer's JVM and process meters ({@code jvm_threads_live_threads}, {@code jvm_memory_used_bytes},
 * {@code jvm_gc_live_data_size_bytes}, {@code process_files_open_files}, …), so a soak can see leaks from the outside.
 */
public final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer steps;
    private final Timer resets;
    private final Counter openedWs;
    private final Counter openedHttp;
    private final Counter closedByClient;
    private final Counter closedByServer;
    private final Counter reaped;
    private final Counter refused;
    private final Counter wsIn;
    private final Counter wsOut;
    private final Counter httpIn;
    private final Counter httpOut;
    private final Map<Class<?>, Counter> errors = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** @param activeSessions the slots in use, read at each scrape */
    public ServerMetrics(IntSupplier activeSessions) {
        Gauge.builder("openenv.sessions.active", activeSessions::getAsInt)
                .description("Sessions holding a capacity slot").register(registry);
        steps = latency("openenv.step", "One environment step, from the decoded action to the encoded reply");
        resets = latency("openenv.reset", "One environment reset");
        openedWs = Counter.builder("openenv.sessions.opened").tag("kind", "websocket").register(registry);
        openedHttp = Counter.builder("openenv.sessions.opened").tag("kind", "http").register(registry);
        closedByClient = Counter.builder("openenv.sessions.closed").tag("by", "client").register(registry);
        closedByServer = Counter.builder("openenv.sessions.closed").tag("by", "server").register(registry);
        reaped = Counter.builder("openenv.sessions.reaped").description("Sessions closed for idleness").register(registry);
        refused = Counter.builder("openenv.sessions.refused").description("Sessions refused at capacity").register(registry);
        wsIn = Counter.builder("openenv.received").baseUnit("bytes").tag("transport", "websocket").register(registry);
        wsOut = Counter.builder("openenv.sent").baseUnit("bytes").tag("transport", "websocket").register(registry);
        httpIn = Counter.builder("openenv.received").baseUnit("bytes").tag("transport", "http").register(registry);
        httpOut = Counter.builder("openenv.sent").baseUnit("bytes").tag("transport", "http").register(registry);
        Gauge.builder("openenv.jvm.heap.after.gc", ServerMetrics::heapAfterLastGc).baseUnit("bytes")
                .description("Heap in use right after the last collection of each heap pool: what a leak makes grow").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    private Timer latency(String name, String description) {
        return Timer.builder(name).description(description)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    public void stepTook(long nanos) {
        steps.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void resetTook(long nanos) {
        resets.record(nanos, TimeUnit.NANOSECONDS);
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
        Counter counter = errors.get(failure.getClass());
        if (counter == null) {
            counter = errors.computeIfAbsent(failure.getClass(), kind -> Counter.builder("openenv.errors")
                    .tag("code", failure.code().name()).tag("kind", kind.getSimpleName())
                    .description("Error answers by OpenEnv error code and failure kind").register(registry));
        }
        counter.increment();
    }

    public void received(boolean websocket, long bytes) {
        (websocket ? wsIn : httpIn).increment(bytes);
    }

    public void sent(boolean websocket, long bytes) {
        (websocket ? wsOut : httpOut).increment(bytes);
    }

    private static double heapAfterLastGc() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (after != null) {
                used += after.getUsed();
            }
        }
        return used;
    }

    /** Every meter in Prometheus text format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    /** Stops the collectors' listeners (the GC notifications). */
    public void close() {
        gc.close();
        registry.close();
    }
}
