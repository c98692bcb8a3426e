package dev.openenv.bench.load;

import dev.openenv.core.protocol.ClientMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * N concurrent WebSocket sessions against any OpenEnv server, speaking only the wire protocol: every
 * session connects, then (all together) sends {@code reset} and {@code steps} steps of the benchmark
 * action, each after the previous answer, and closes. Measures connect time, steps per second, step
 * latency and its own CPU per step, and counts failures by kind. Nothing here knows which server it talks to.
 *
 * <p>Sessions are Netty channels on a small event-loop group (epoll where available): 10,000 sessions cost
 * no thread each, and the generator spends a few microseconds of CPU per step, so it is not what limits
 * the measurement. The JDK's WebSocket client cost about 50 µs per step on these machines.
 */
public final class LoadGenerator implements AutoCloseable {
    /** What to run. {@code waitSeconds} goes into each step's {@code wait_seconds}. */
    public record Plan(URI wsUri, int sessions, int steps, double waitSeconds, Duration stepTimeout, Duration connectTimeout,
                       int connectConcurrency, String payload, boolean hold, int threads) {
        public Plan {
            if (sessions < 1 || steps < 0 || threads < 1) {
                throw new IllegalArgumentException("sessions and threads must be >= 1, steps >= 0");
            }
        }

        public static Plan of(String baseUrl, int sessions, int steps, double waitSeconds) {
            String ws = baseUrl.replaceFirst("^http", "ws").replaceAll("/+$", "") + "/ws";
            return new Plan(URI.create(ws), sessions, steps, waitSeconds, Duration.ofSeconds(60), Duration.ofSeconds(30), 256, "x",
                    false, 1);
        }

        public Plan withStepTimeout(Duration d) {
            return new Plan(wsUri, sessions, steps, waitSeconds, d, connectTimeout, connectConcurrency, payload, hold, threads);
        }

        public Plan withThreads(int n) {
            return new Plan(wsUri, sessions, steps, waitSeconds, stepTimeout, connectTimeout, connectConcurrency, payload, hold, n);
        }

        /** Sessions stay open after their last answer, until {@link LoadGenerator#close()} (idle-memory runs). */
        public Plan holdingSessions() {
            return new Plan(wsUri, sessions, steps, waitSeconds, stepTimeout, connectTimeout, connectConcurrency, payload, true, threads);
        }
    }

    /**
     * The outcome. Latencies are of steps only (not resets), in microseconds; {@code connectMillis} is
     * from the first connection attempt until the last session was connected (or failed).
     */
    public record Result(int sessions, int steps, double waitSeconds, int succeeded, long stepsDone, double connectMillis,
                         double runSeconds, double stepsPerSecond, double p50Micros, double p90Micros, double p99Micros,
                         double p999Micros, double maxMicros, Map<String, Long> failures, double clientCpuMicrosPerStep, double serverCpuMicrosPerStep) {
        public double successRate() {
            return sessions == 0 ? 0 : (double) succeeded / sessions;
        }

        /** This result with the server's CPU time per step, measured by whoever knows the server's process. */
        public Result withServerCpu(double totalCpuMicros) {
            return new Result(sessions, steps, waitSeconds, succeeded, stepsDone, connectMillis, runSeconds, stepsPerSecond,
                    p50Micros, p90Micros, p99Micros, p999Micros, maxMicros, failures, clientCpuMicrosPerStep,
                    stepsDone == 0 ? Double.NaN : totalCpuMicros / stepsDone);
        }
    }

    private static final byte[] OBSERVATION = "{\"type\":\"observation\"".getBytes(StandardCharsets.US_ASCII);

    private final Plan plan;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final List<SessionRun> runs;
    private final Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(600), 3);
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final LongAdder stepsDone = new LongAdder();
    private final CountDownLatch finished;
    private final ByteBuf stepFrame;
    // The frames come from core's protocol model, built once: the generator sends the same bytes every time.
    private final ByteBuf resetFrame = frame(new ClientMessage.Reset(JsonNodeFactory.instance.objectNode()).toJson().toString());

    public LoadGenerator(Plan plan) {
        this.plan = plan;
        this.finished = new CountDownLatch(plan.sessions());
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(plan.threads(), io);
        this.bootstrap = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) plan.connectTimeout().toMillis());
        this.stepFrame = frame(new ClientMessage.Step(JsonNodeFactory.instance.objectNode()
                .put("wait_seconds", plan.waitSeconds()).put("payload", plan.payload())).toJson().toString());
        this.runs = new ArrayList<>(plan.sessions());
        for (int i = 0; i < plan.sessions(); i++) {
            runs.add(new SessionRun());
        }
    }

    private static ByteBuf frame(String json) {
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Runs the plan to the end (or until every session has failed or timed out). */
    public Result run() throws InterruptedException {
        // Connect everyone first, a bounded number of handshakes in flight, as a trainer's pool would.
        Semaphore inFlight = new Semaphore(plan.connectConcurrency());
        long connectStart = System.nanoTime();
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        for (SessionRun run : runs) {
            inFlight.acquire();
            connects.add(run.connect().whenComplete((ok, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).handle((ok, e) -> null).join();
        double connectMillis = (System.nanoTime() - connectStart) / 1e6;

        Thread watchdog = Thread.ofPlatform().daemon().name("load-watchdog").start(this::watch);
        long cpu0 = ownCpuNanos();
        long start = System.nanoTime();
        runs.forEach(SessionRun::begin);
        finished.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = ownCpuNanos() - cpu0;
        watchdog.interrupt();
        if (!plan.hold()) {
            close();
        }
        int ok = (int) runs.stream().filter(r -> r.succeeded).count();
        Map<String, Long> fails = new TreeMap<>();
        failures.forEach((k, v) -> fails.put(k, v.sum()));
        long done = stepsDone.sum();
        return new Result(plan.sessions(), plan.steps(), plan.waitSeconds(), ok, done, connectMillis, seconds, done / seconds,
                latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(90) / 1e3,
                latency.getValueAtPercentile(99) / 1e3, latency.getValueAtPercentile(99.9) / 1e3, latency.getMaxValue() / 1e3, fails,
                done == 0 ? Double.NaN : cpu / 1e3 / done, Double.NaN);
    }

    private static long ownCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private void watch() {
        long limit = plan.stepTimeout().toNanos();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (SessionRun r : runs) {
                long sent = r.sentAt;
                Channel ch = r.channel;
                if (sent != 0 && !r.ended && ch != null && now - sent > limit) {
                    ch.eventLoop().execute(() -> r.fail("timeout"));
                }
            }
        }
    }

    private void count(String kind) {
        failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Closes the sessions a {@code hold} plan kept open, and the event loops. Idempotent. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * One session, confined to its channel's event loop: connecting → connected → resetting → stepping
     * (steps left) → done | failed.
     */
    private final class SessionRun extends SimpleChannelInboundHandler<Object> {
        private final CompletableFuture<Void> connected = new CompletableFuture<>();
        volatile Channel channel;
        volatile long sentAt;
        volatile boolean ended;
        private boolean resetDone;
        private int stepsLeft = plan.steps();
        volatile boolean succeeded;

        CompletableFuture<Void> connect() {
            var config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(plan.wsUri())
                    .handshakeTimeoutMillis(plan.connectTimeout().toMillis()).maxFramePayloadLength(64 << 20)
                    .handleCloseFrames(false).dropPongFrames(true).build();
            bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                            new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(64 << 20), SessionRun.this);
                }
            }).connect(plan.wsUri().getHost(), plan.wsUri().getPort()).addListener(f -> {
                if (!f.isSuccess()) {
                    fail("connect_" + f.cause().getClass().getSimpleName());
                }
            });
            return connected;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                channel = ctx.channel();
                connected.complete(null);
            }
            super.userEventTriggered(ctx, evt);
        }

        void begin() {
            Channel ch = channel;
            if (ch != null && !ended) {
                ch.eventLoop().execute(() -> send(resetFrame));
            }
        }

        private void send(ByteBuf json) {
            sentAt = System.nanoTime();
            channel.writeAndFlush(new TextWebSocketFrame(json.duplicate()));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof CloseWebSocketFrame close) {
                if (!ended) {
                    fail("closed_" + close.statusCode());
                } else if (plan.hold() && succeeded) {
                    count("idle_closed_" + close.statusCode()); // the server dropped an idle session we held
                }
                return;
            }
            if (!(msg instanceof TextWebSocketFrame text)) {
                return;
            }
            long took = System.nanoTime() - sentAt;
            if (ended) {
                return;
            }
            ByteBuf content = text.content();
            if (!startsWith(content, OBSERVATION)) {
                // An unsolicited error (e.g. CAPACITY_REACHED right after connecting) or a failed step.
                String s = content.toString(StandardCharsets.UTF_8);
                int at = s.indexOf("\"code\":\"");
                fail(at < 0 ? "unexpected_frame" : "error_" + s.substring(at + 8, s.indexOf('"', at + 8)));
                return;
            }
            if (!resetDone) {
                resetDone = true;
            } else {
                latency.recordValue(Math.min(took, latency.getHighestTrackableValue()));
                stepsDone.increment();
                stepsLeft--;
            }
            if (stepsLeft > 0) {
                send(stepFrame);
            } else {
                succeeded = true;
                end();
                if (!plan.hold()) {
                    ctx.writeAndFlush(new CloseWebSocketFrame(1000, "done")).addListener(f -> ctx.close());
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!ended) {
                fail("connection_closed");
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause instanceof WebSocketClientHandshakeException h && h.response() != null
                    ? "handshake_" + h.response().status().code() : "io_" + cause.getClass().getSimpleName());
        }

        void fail(String kind) {
            if (ended) {
                return;
            }
            count(kind);
            end();
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }

        private void end() {
            if (!ended) {
                ended = true;
                sentAt = 0;
                connected.complete(null);
                finished.countDown();
            }
        }

        @Override
        public boolean isSharable() {
            return true;
        }
    }

    private static boolean startsWith(ByteBuf buf, byte[] prefix) {
        if (buf.readableBytes() < prefix.length) {
            return false;
        }
        int base = buf.readerIndex();
        for (int i = 0; i < prefix.length; i++) {
            if (buf.getByte(base + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
