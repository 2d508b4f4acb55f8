package dev.activations.bench.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An HTTP/1.1 load generator, run in a JVM of its own so that its threads are not the server's:
 * {@code connections} keep-alive connections over loopback, each sending a {@code GET}, reading
 * the whole response (status line, headers up to the blank line, then {@code Content-Length}
 * bytes of body), recording the latency from the first byte written to the last byte read in an
 * HdrHistogram (3 significant digits), and sending the next request: at once (closed loop, the
 * default) or when it is due (a fixed rate).
 *
 * <pre>
 * java -cp benchmarks.jar dev.activations.bench.http.LoadGenerator HOST PORT PATH CONNECTIONS SELECTORS [RATE]
 * </pre>
 *
 * <h2>A fixed rate</h2>
 * With {@code RATE} &gt; 0 (requests per second over all connections) each connection sends on a
 * schedule of its own, one request every {@code CONNECTIONS / RATE} seconds, the connections'
 * schedules staggered by {@code 1 / RATE}. A request whose turn comes while its connection still
 * waits for the previous response goes out as soon as that response is read, and is timed from
 * when it was due: a server that falls behind is charged for the queueing it causes, not only for
 * its service time (no "coordinated omission", as in wrk2). A request sent on time is timed from
 * when it is written: the selector thread wakes for it up to about a millisecond late (the
 * selector's timeout is in milliseconds), and that slack is the generator's, not the server's.
 * The offered rate holds as long as responses take less than {@code CONNECTIONS / RATE} on
 * average; beyond that each connection is a closed loop.
 *
 * <h2>Threads</h2>
 * {@code SELECTORS} selector threads ({@link Loop}), each owning a share of the connections and
 * a {@link Histogram} (single writer: its owner); nothing on the request path is shared or
 * locked, and nothing is allocated but when a latency beyond the histogram's range so far makes
 * it grow. The main thread reads commands from stdin and answers on stdout, one line each:
 * <pre>
 *   (start)   -> ready CONNECTIONS
 *   mark      -> marked                                   starts a window: histograms cleared
 *   report    -> report REQUESTS ERRORS P50 P99 P999 MAX WINDOW   (ns), and starts the next window
 *   drain     -> drained SENT ANSWERED ERRORS UNANSWERED  totals since the start, see below
 *   quit, EOF -> (exits)
 * </pre>
 * A command reaches a selector thread through its {@code pending} or {@code drain} field and a
 * {@link Selector#wakeup}; the selector thread answers at the top of its loop, so every
 * histogram is read and cleared by its owner only. EOF on stdin (the parent JVM died) ends the
 * process too. An error on a connection (closed by the server, a malformed or non-200
 * response) is counted and the connection replaced. A percentile of an empty window is NaN.
 *
 * <h2>Drain: was any request lost?</h2>
 * {@code drain} stops the load: no connection sends another request (nor is a failed one
 * replaced), and each selector thread waits until none of its requests is unanswered, or until
 * no answer has come for {@value #DRAIN_STALL_SECONDS} s. The answer counts since the start:
 * requests sent, answered with status 200, errors (connections lost or answered otherwise) and
 * requests still unanswered. A server that lost nothing gives {@code SENT = ANSWERED}, 0, 0.
 */
public final class LoadGenerator {
    private static final int BUFFER = 16 * 1024;
    private static final long COMMAND_TIMEOUT_SECONDS = 10;
    /** A drain gives up on the requests still unanswered when no answer has come for this long. */
    static final long DRAIN_STALL_SECONDS = 10;
    /** A drain answers after this long whatever is still unanswered (sooner on a stall). */
    static final long DRAIN_MAX_SECONDS = 120;
    /** Latencies are known to 3 decimal digits (0.1 %). */
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final byte[] STATUS_OK = "HTTP/1.1 200 ".getBytes(StandardCharsets.US_ASCII);
    /** Lower case: header names are compared ignoring case. */
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5 && args.length != 6) {
            System.err.println("usage: LoadGenerator HOST PORT PATH CONNECTIONS SELECTORS [RATE]");
            System.exit(2);
        }
        InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        String path = args[2];
        int connections = Integer.parseInt(args[3]);
        int selectors = Math.max(1, Math.min(Integer.parseInt(args[4]), connections));
        double rate = args.length == 6 ? Double.parseDouble(args[5]) : 0;
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            System.err.println("RATE must be a finite number of requests per second, 0 for a closed loop; got \"" + args[5] + "\"");
            System.exit(2);
        }
        // between two connections' turns; a connection's own turns are `connections` times as far apart
        long spacing = rate > 0 ? Math.max(1, Math.round(1e9 / rate)) : 0;
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + args[0] + ":" + args[1]
                + "\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

        List<Loop> loops = new ArrayList<>();
        for (int s = 0; s < selectors; s++) {
            loops.add(new Loop(server, request, spacing * connections));
        }
        long firstTurn = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            loops.get(c % selectors).connect(firstTurn + c * spacing);
        }
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < selectors; s++) {
            Thread t = new Thread(loops.get(s), "load-" + s);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        PrintStream out = System.out;
        out.println("ready " + connections);
        out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        long windowStart = System.nanoTime();
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.trim()) {
                case "mark" -> {
                    snapshot(loops);
                    windowStart = System.nanoTime();
                    out.println("marked");
                }
                case "report" -> {
                    Histogram all = new Histogram(SIGNIFICANT_DIGITS);
                    long errors = 0;
                    for (Snapshot s : snapshot(loops)) {
                        all.add(s.histogram);
                        errors += s.errors;
                    }
                    long now = System.nanoTime();
                    out.println(String.format(Locale.ROOT, "report %d %d %.0f %.0f %.0f %d %d", all.getTotalCount(),
                            errors, percentile(all, 50), percentile(all, 99), percentile(all, 99.9), all.getMaxValue(),
                            now - windowStart));
                    windowStart = now;
                }
                case "drain" -> {
                    Totals all = new Totals(0, 0, 0, 0);
                    for (Totals t : drain(loops)) {
                        all = all.plus(t);
                    }
                    out.println("drained " + all.sent() + " " + all.answered() + " " + all.errors() + " " + all.unanswered());
                }
                case "quit" -> {
                    stop(loops, threads);
                    return;
                }
                default -> out.println("error unknown command \"" + line + "\"");
            }
            out.flush();
        }
        stop(loops, threads);
    }

    private static List<Snapshot> snapshot(List<Loop> loops) throws Exception {
        List<CompletableFuture<Snapshot>> asked = new ArrayList<>();
        for (Loop l : loops) {
            asked.add(l.ask());
        }
        List<Snapshot> answers = new ArrayList<>();
        for (CompletableFuture<Snapshot> f : asked) {
            answers.add(f.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        return answers;
    }

    /** Drains every loop at once (see the class comment) and returns their totals. */
    private static List<Totals> drain(List<Loop> loops) throws Exception {
        List<CompletableFuture<Totals>> asked = new ArrayList<>();
        for (Loop l : loops) {
            asked.add(l.drain());
        }
        List<Totals> answers = new ArrayList<>();
        for (CompletableFuture<Totals> f : asked) {
            answers.add(f.get(DRAIN_MAX_SECONDS + COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        return answers;
    }

    /** The value at {@code percent} (0 to 100) of {@code h}'s latencies; NaN when it holds none. */
    private static double percentile(Histogram h, double percent) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percent);
    }

    private static void stop(List<Loop> loops, List<Thread> threads) throws InterruptedException {
        loops.forEach(Loop::stop);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(COMMAND_TIMEOUT_SECONDS));
        }
    }

    /** True if {@code b[from, to)} starts with {@code prefix}, ASCII letters compared ignoring case. */
    private static boolean startsWithIgnoreCase(byte[] b, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            int p = prefix[i];
            if (p >= 'A' && p <= 'Z') {
                p += 'a' - 'A';
            }
            if (c != p) {
                return false;
            }
        }
        return true;
    }

    /** One selector thread's answer: its histogram and error count since the last one. */
    private record Snapshot(Histogram histogram, long errors) {
    }

    /** Counts since the start: requests sent, answered 200, errors, and requests sent but unanswered. */
    private record Totals(long sent, long answered, long errors, long unanswered) {
        Totals plus(Totals o) {
            return new Totals(sent + o.sent, answered + o.answered, errors + o.errors, unanswered + o.unanswered);
        }
    }

    /**
     * A selector thread and its connections. Fields without a comment: owner thread only (the
     * main thread fills {@code connections} before starting it).
     */
    private static final class Loop implements Runnable {
        private final InetSocketAddress server;
        private final ByteBuffer request;
        /** A connection's time between two requests at a fixed rate; 0 for a closed loop. */
        private final long interval;
        private final Selector selector;
        private final List<Conn> connections = new ArrayList<>();
        private final Histogram histogram = new Histogram(SIGNIFICANT_DIGITS);
        /** Errors in the current window. */
        private long errors;
        /** Since the start: requests sent, answered 200, errors. */
        private long sent;
        private long answered;
        private long allErrors;
        /** Set by the main thread, taken (and answered) by this loop. */
        private volatile CompletableFuture<Snapshot> pending;
        /** Set by the main thread, once; answered by this loop when its last request is answered. */
        private volatile CompletableFuture<Totals> drain;
        /** Since this loop saw {@link #drain}: no request is sent, no connection replaced. */
        private boolean draining;
        /** While draining: when an answer last came, and when the drain gives up in any case. */
        private long drainProgressAt;
        private long drainDeadline;
        /** Set by the main thread. */
        private volatile boolean stopped;

        Loop(InetSocketAddress server, byte[] request, long interval) throws IOException {
            this.server = server;
            this.request = ByteBuffer.wrap(request).asReadOnlyBuffer();
            this.interval = interval;
            this.selector = Selector.open();
        }

        /**
         * Opens one connection whose first request is due at {@code firstTurn} (at a fixed rate;
         * sent at once in a closed loop). Main thread, before this loop starts.
         */
        void connect(long firstTurn) throws IOException {
            Conn c = new Conn(SocketChannel.open(server));
            connections.add(c);
            c.register(firstTurn);
        }

        CompletableFuture<Snapshot> ask() {
            CompletableFuture<Snapshot> f = new CompletableFuture<>();
            pending = f; // then wake: the loop reads pending after select returns
            selector.wakeup();
            return f;
        }

        CompletableFuture<Totals> drain() {
            CompletableFuture<Totals> f = new CompletableFuture<>();
            drain = f; // then wake: the loop reads drain after select returns
            selector.wakeup();
            return f;
        }

        void stop() {
            stopped = true;
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (!stopped) {
                    answer();
                    drained();
                    long wait = sendDue();
                    selector.select(wait == Long.MAX_VALUE ? 100 : Math.min(100, (wait + 999_999) / 1_000_000));
                    for (SelectionKey key : selector.selectedKeys()) {
                        Conn c = (Conn) key.attachment();
                        try {
                            if (key.isValid() && key.isWritable()) {
                                c.write();
                            } else if (key.isValid() && key.isReadable()) {
                                c.read();
                            }
                        } catch (IOException | RuntimeException e) {
                            c.fail(e);
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                System.err.println("load generator: selector failed: " + e);
            } finally {
                for (SelectionKey k : selector.keys()) {
                    try {
                        k.channel().close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }
        }

        /**
         * At a fixed rate: sends every request that is due, timed from now, and returns how
         * long until the next one is (at least 1 ns), or {@code Long.MAX_VALUE} if none waits
         * for its turn (always, in a closed loop).
         */
        private long sendDue() throws IOException {
            if (draining) {
                return Long.MAX_VALUE;
            }
            long next = Long.MAX_VALUE;
            long now = System.nanoTime();
            for (int i = 0; i < connections.size(); i++) {
                Conn c = connections.get(i);
                if (!c.waitingForTurn) {
                    continue;
                }
                if (c.due - now <= 0) {
                    try {
                        c.send(now);
                    } catch (IOException | RuntimeException e) {
                        c.fail(e);
                    }
                } else {
                    next = Math.min(next, c.due - now);
                }
            }
            return next;
        }

        private void answer() {
            CompletableFuture<Snapshot> f = pending;
            if (f != null) {
                pending = null;
                f.complete(new Snapshot(histogram.copy(), errors));
                histogram.reset();
                errors = 0;
            }
        }

        /**
         * Once {@link #drain} is set: stops sending, and answers it when no request is
         * unanswered, no answer has come for {@link LoadGenerator#DRAIN_STALL_SECONDS}, or at the
         * latest after {@link LoadGenerator#DRAIN_MAX_SECONDS}.
         */
        private void drained() {
            CompletableFuture<Totals> f = drain;
            if (f == null || f.isDone()) {
                return;
            }
            long now = System.nanoTime();
            if (!draining) {
                draining = true;
                drainProgressAt = now;
                drainDeadline = now + TimeUnit.SECONDS.toNanos(DRAIN_MAX_SECONDS);
            }
            long unanswered = connections.stream().filter(c -> c.awaiting).count();
            if (unanswered == 0 || now - drainProgressAt > TimeUnit.SECONDS.toNanos(DRAIN_STALL_SECONDS)
                    || now - drainDeadline > 0) {
                f.complete(new Totals(sent, answered, allErrors, unanswered));
            }
        }

        /**
         * One keep-alive connection: write a request, read its response, record, repeat (at
         * once, or at a fixed rate when its next turn comes).
         */
        private final class Conn {
            private final SocketChannel channel;
            private final ByteBuffer out = request.duplicate();
            private final ByteBuffer in = ByteBuffer.allocate(BUFFER);
            private SelectionKey key;
            /** What the request in flight is timed from: when it was written, or due if it went out late. */
            private long sentAt;
            /** At a fixed rate: when this connection's next request is due. */
            private long due;
            /** At a fixed rate: the last response is read and the next request waits for {@link #due}. */
            private boolean waitingForTurn;
            /** A request is sent and its response not yet read. */
            private boolean awaiting;
            /** Index just past the blank line ending the headers, -1 until read. */
            private int bodyStart = -1;
            private long contentLength;

            Conn(SocketChannel channel) throws IOException {
                this.channel = channel;
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
            }

            void register(long firstTurn) throws IOException {
                key = channel.register(selector, 0, this);
                if (interval == 0) {
                    send(System.nanoTime());
                } else {
                    due = firstTurn;
                    waitingForTurn = true;
                }
            }

            /** Writes the next request, timed from {@code from}. */
            void send(long from) throws IOException {
                waitingForTurn = false;
                awaiting = true;
                sent++;
                out.rewind();
                in.clear();
                bodyStart = -1;
                sentAt = from;
                write();
            }

            /** The response is read: the next request now (closed loop, or late) or at its turn. */
            private void next(long now) throws IOException {
                if (draining) {
                    key.interestOps(0); // idle from now on: a server closing it is no error
                    return;
                }
                if (interval == 0) {
                    send(now);
                    return;
                }
                due += interval;
                if (due - now <= 0) {
                    send(due); // late: the wait since its turn is the server's
                } else {
                    waitingForTurn = true;
                }
            }

            void write() throws IOException {
                channel.write(out);
                key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            }

            void read() throws IOException {
                int n = channel.read(in);
                if (n < 0) {
                    throw new IOException("server closed the connection");
                }
                if (bodyStart < 0 && !parseHeaders()) {
                    if (!in.hasRemaining()) {
                        throw new IOException("response headers longer than " + BUFFER + " bytes");
                    }
                    return;
                }
                long have = in.position() - bodyStart;
                if (have < contentLength) {
                    if (!in.hasRemaining()) {
                        throw new IOException("response body of " + contentLength + " bytes does not fit " + BUFFER);
                    }
                    return;
                }
                if (have > contentLength) {
                    throw new IOException("bytes after the response: the server answered a request not sent");
                }
                long now = System.nanoTime();
                histogram.recordValue(now - sentAt);
                awaiting = false;
                answered++;
                drainProgressAt = now;
                next(now);
            }

            /**
             * Finds the end of the headers, checks the status and reads Content-Length; false if
             * they are incomplete. Byte comparisons only: the request path allocates nothing.
             */
            private boolean parseHeaders() throws IOException {
                byte[] b = in.array();
                int limit = in.position();
                int end = -1;
                for (int i = 3; i < limit; i++) {
                    if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                        end = i + 1;
                        break;
                    }
                }
                if (end < 0) {
                    return false;
                }
                if (!startsWithIgnoreCase(b, 0, end, STATUS_OK)) {
                    String head = new String(b, 0, end, StandardCharsets.US_ASCII);
                    throw new IOException("unexpected status line \"" + head.lines().findFirst().orElse("") + "\"");
                }
                contentLength = -1;
                for (int line = 0; line < end; ) {
                    int eol = line;
                    while (eol + 1 < end && !(b[eol] == '\r' && b[eol + 1] == '\n')) {
                        eol++;
                    }
                    if (startsWithIgnoreCase(b, line, eol, CONTENT_LENGTH)) {
                        long v = 0;
                        for (int i = line + CONTENT_LENGTH.length; i < eol; i++) {
                            if (b[i] >= '0' && b[i] <= '9') {
                                v = v * 10 + (b[i] - '0');
                            } else if (b[i] != ' ' && b[i] != '\t') {
                                throw new IOException("malformed Content-Length");
                            }
                        }
                        contentLength = v;
                    }
                    line = eol + 2;
                }
                if (contentLength < 0) {
                    throw new IOException("response without Content-Length (chunked responses are not supported)");
                }
                bodyStart = end;
                return true;
            }

            /**
             * Counts the error and replaces this connection with a fresh one, which takes this
             * one's next turn at a fixed rate.
             */
            void fail(Exception e) {
                errors++;
                allErrors++;
                awaiting = false;
                key.cancel();
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // replaced below
                }
                if (stopped || draining) {
                    return;
                }
                int slot = connections.indexOf(this);
                try {
                    Conn c = new Conn(SocketChannel.open(server));
                    connections.set(slot, c);
                    c.register(due + interval);
                } catch (IOException again) {
                    connections.remove(slot);
                    errors++;
                    allErrors++;
                    System.err.println("load generator: could not reconnect after \"" + e.getMessage() + "\": " + again);
                }
            }
        }
    }
}
