package dev.openenv.server.session;

import dev.openenv.core.protocol.Failure;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How a session's calls are run: one at a time, in the order they were accepted, until {@link #stop}.
 * A closed set of two, chosen by the session's {@link Session.Kind}.
 */
sealed interface Strand {

    /** Runs {@code work} after everything accepted before it; fails with {@link Failure.SessionFailed} once stopped. */
    <T> CompletableFuture<T> run(Callable<T> work);

    /** Refuses later work and runs {@code last} once, after the work already accepted and while none runs. */
    void stop(Runnable last);

    /**
     * The session's own virtual thread: work from any thread is queued to it. For HTTP sessions, which
     * many request threads share.
     */
    final class OwnThread implements Strand {
        private final ExecutorService thread;

        OwnThread(String name) {
            this.thread = Executors.newSingleThreadExecutor(Thread.ofVirtual().name(name).factory());
        }

        @Override
        public <T> CompletableFuture<T> run(Callable<T> work) {
            var result = new CompletableFuture<T>();
            try {
                thread.execute(() -> {
                    try {
                        result.complete(work.call());
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                    }
                });
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(Failure.raise(new Failure.SessionFailed("Session is closed")));
            }
            return result;
        }

        @Override
        public void stop(Runnable last) {
            try {
                thread.execute(last);
            } catch (RejectedExecutionException ignored) {
                // stopped already
            }
            thread.shutdown();
        }
    }

    /**
     * The calling thread: work runs right where it is submitted, under a lock, with no thread handoff.
     * For WebSocket sessions, whose connection's reader thread submits nearly every call (JMH
     * {@code DispatchBenchmark}: the handoff alone costs more than decode + step + encode).
     */
    final class CallerThread implements Strand {
        private final ReentrantLock lock = new ReentrantLock();
        private volatile boolean stopped;
        private volatile Runnable last;
        private boolean finished; // guarded by lock

        @Override
        public <T> CompletableFuture<T> run(Callable<T> work) {
            var result = new CompletableFuture<T>();
            lock.lock();
            try {
                if (stopped) {
                    result.completeExceptionally(Failure.raise(new Failure.SessionFailed("Session is closed")));
                } else {
                    result.complete(work.call());
                }
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                lock.unlock();
            }
            finishIfStopped(); // a stop that came while this call ran left the last step to us
            return result;
        }

        @Override
        public void stop(Runnable last) {
            this.last = last;
            stopped = true;
            finishIfStopped();
        }

        /**
         * Runs {@code last} unless a call holds the lock; that call then runs it when it returns. Both the
         * stopper and every caller try after their own step, so one of them always gets it.
         */
        private void finishIfStopped() {
            if (!stopped || !lock.tryLock()) {
                return;
            }
            try {
                if (!finished) {
                    finished = true;
                    last.run();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
