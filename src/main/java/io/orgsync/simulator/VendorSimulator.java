package io.orgsync.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-process HTTP server on loopback that speaks the wire formats of WeCom (corporate and
 * school), Feishu contact v3 and Wuhan Education Cloud, serving one deterministic generated
 * school and company. Vendor paths go straight after {@link #baseUrl()}.
 *
 * <p>Every request passes, in order: counting and logging; an HTTP failure fault; a slow fault;
 * WeCom's cap on calls in flight (when a test sets one); the vendor's rate limit; the vendor
 * handler (credentials, token, parameters); then HTML or truncation faults rewrite the answer.
 */
public final class VendorSimulator implements AutoCloseable {

    static {
        // The JDK server writes headers and body in separate packets; without TCP_NODELAY, Nagle
        // plus the client's delayed ACK adds ~40 ms to every response. Read once, when the JDK's
        // server configuration class loads, so it must be set before the first server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Endpoint template of Feishu's child-department listing, for {@link #calls(String)} and faults. */
    public static final String FEISHU_CHILDREN = FeishuApi.CHILDREN;

    private final SimulatorConfig config;
    private final SchoolOrg school;
    private final CompanyOrg company;
    private final Credentials credentials;
    private final TokenStore tokens;
    private final LongAdder streamedBytes = new LongAdder();
    private final LongAdder bytesServed = new LongAdder();
    private final FaultInjector faults;
    private final CannedAnswers cannedAnswers = new CannedAnswers();
    private final List<VendorApi> apis;
    private final HttpServer server;
    private final ExecutorService executor;

    private final LongAdder total = new LongAdder();
    private final Map<String, LongAdder> byPath = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byEndpoint = new ConcurrentHashMap<>();
    private final Map<Vendor, LongAdder> byVendor = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<LoggedRequest> log = new ConcurrentLinkedQueue<>();

    private VendorSimulator(SimulatorConfig config) throws IOException {
        this.config = config;
        String topOrg = config.credentials() == null ? null : config.credentials().wuhanTopOrgId();
        this.school = SchoolOrg.generate(config.school(), config.seed(), topOrg);
        this.company = CompanyOrg.generate(config.company(), config.seed());
        this.credentials = config.credentials() != null ? config.credentials() : Credentials.defaults(school.wuhanTopOrgId());
        this.tokens = new TokenStore(config.tokenLifetime());
        this.faults = new FaultInjector(tokens);
        this.apis = List.of(
                new WecomApi(school, company, credentials, tokens, faults),
                new FeishuApi(company, credentials, tokens, faults),
                new WuhanApi(school, credentials, tokens, faults));
        AtomicInteger threadNo = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(config.threads(), config.threads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "vendor-sim-" + threadNo.incrementAndGet());
            // a forgotten close() must not keep a test JVM or the demo alive
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Generates the organisation and starts serving it on a free loopback port. */
    public static VendorSimulator start(SimulatorConfig config) {
        try {
            return new VendorSimulator(config);
        } catch (IOException e) {
            throw new UncheckedIOException("vendor simulator could not start", e);
        }
    }

    public static VendorSimulator start() {
        return start(SimulatorConfig.defaults());
    }

    /** {@code http://127.0.0.1:PORT}; append vendor paths as they are. */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public SimulatorConfig config() {
        return config;
    }

    public Credentials credentials() {
        return credentials;
    }

    public SchoolOrg school() {
        return school;
    }

    public CompanyOrg company() {
        return company;
    }

    public FaultInjector faults() {
        return faults;
    }

    /** Answers set by a test for particular requests, served in place of the organisation's. */
    public CannedAnswers canned() {
        return cannedAnswers;
    }

    /**
     * The organisation as served now, to compare a later state with: take one when a sync runs,
     * change {@link #school()} or {@link #company()}, then ask {@link #changesSince} what the
     * next sync should report.
     */
    public OrgSnapshot snapshot() {
        return new OrgSnapshot(school, company);
    }

    /** What a sync of {@code source} now should report against one run when {@code before} was taken. */
    public OrgDiff changesSince(OrgSnapshot before, Vendor source) {
        return before.diffTo(snapshot(), source);
    }

    /** Every request received since start or the last reset, token calls and failures included. */
    public long calls() {
        return total.sum();
    }

    /** Requests for one path, or for one endpoint template such as {@link #FEISHU_CHILDREN}. */
    public long calls(String path) {
        LongAdder exact = byPath.get(path);
        if (exact != null) {
            return exact.sum();
        }
        LongAdder templ = byEndpoint.get(path);
        return templ == null ? 0 : templ.sum();
    }

    public long calls(Vendor vendor) {
        LongAdder n = byVendor.get(vendor);
        return n == null ? 0 : n.sum();
    }

    /** Requests refused by a rate-limit fault. */
    public long rejections() {
        return faults.rejections();
    }

    /** Bytes of {@link FaultInjector.Hostile#HUGE_BODY} answers the client took before it hung up. */
    public long streamedBytes() {
        return streamedBytes.sum();
    }

    /** Bytes of every answer body sent, hostile ones included. */
    public long bytesServed() {
        return bytesServed.sum() + streamedBytes.sum();
    }

    /** Every access token the simulated vendors have handed out (the secret-leak test greps for them). */
    public java.util.Set<String> issuedTokens() {
        return tokens.issued();
    }

    /** Snapshot of every request in arrival order. */
    public List<LoggedRequest> requestLog() {
        return new ArrayList<>(log);
    }

    public void resetCounters() {
        total.reset();
        byPath.clear();
        byEndpoint.clear();
        byVendor.clear();
        log.clear();
        faults.resetRejections();
    }

    /**
     * Ages every token by {@code d} as if that much time had passed at the vendors (WeCom and
     * Wuhan tokens expire, Feishu hands out a new token when under 30 minutes remain). Request
     * timestamps Wuhan checks stay on the wall clock.
     */
    public void advanceTokenClock(Duration d) {
        tokens.advance(d);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- request pipeline

    /**
     * The client may have gone away (a read timeout while a fault made us slow): the
     * IOException is left to the JDK server, because on JDK 17 that is the only way it closes the
     * connection; swallowed here, each such exchange kept a socket open until {@link #close()}
     * (SoakBenchmark saw the test JVM's descriptors creep by one per timed-out request).
     */
    private void handle(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            VendorApi api = apiFor(path);
            String endpoint = api == null ? path : api.endpoint(path);
            byte[] body = exchange.getRequestBody().readAllBytes();
            SimRequest request = new SimRequest(exchange.getRequestMethod(), path, endpoint,
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
            Vendor vendor = api == null ? null : api.vendor(request);
            count(now, path, endpoint, vendor);
            SimResponse response;
            try {
                response = process(api, request, vendor, now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                response = SimResponse.text(500, SimResponse.TEXT, "simulator error: " + e);
            }
            send(exchange, response);
        }
    }

    private VendorApi apiFor(String path) {
        for (VendorApi api : apis) {
            if (api.owns(path)) {
                return api;
            }
        }
        return null;
    }

    private void count(long now, String path, String endpoint, Vendor vendor) {
        total.increment();
        byPath.computeIfAbsent(path, k -> new LongAdder()).increment();
        if (!endpoint.equals(path)) {
            byEndpoint.computeIfAbsent(endpoint, k -> new LongAdder()).increment();
        }
        if (vendor != null) {
            byVendor.computeIfAbsent(vendor, k -> new LongAdder()).increment();
        }
        log.add(new LoggedRequest(now, path, endpoint, vendor));
    }

    private SimResponse process(VendorApi api, SimRequest r, Vendor vendor, long now) throws InterruptedException {
        if (api == null) {
            return SimResponse.text(404, SimResponse.TEXT, "404 Not Found");
        }
        int failure = faults.takeHttpFailure(r.path, r.endpoint, vendor);
        if (failure != 0) {
            return httpFailure(failure);
        }
        boolean tooManyInFlight = faults.enterWecomCall(vendor, r.path);
        SimResponse response;
        try {
            long delay = faults.delayNanos(r.path, r.endpoint, vendor);
            if (delay > 0) {
                TimeUnit.NANOSECONDS.sleep(delay);
            }
            if (tooManyInFlight) {
                return WecomApi.error(45033, "api concurrent out of limit");
            }
            FaultInjector.Refusal refusal = faults.admit(vendor, r.endpoint, now);
            if (refusal != null) {
                return api.rateLimited(r, refusal);
            }
            SimResponse canned = cannedAnswers.take(r);
            response = canned != null ? canned : api.handle(r);
        } finally {
            faults.exitWecomCall(vendor, r.path);
        }
        if (faults.takeHtml(r.path, r.endpoint, vendor)) {
            return SimResponse.text(200, SimResponse.HTML, "<!DOCTYPE html><html><head><title>系统维护中</title></head>"
                    + "<body><h1>系统维护中</h1><p>服务暂时不可用，请稍后再试。</p></body></html>");
        }
        FaultInjector.Hostile hostile = faults.takeHostile(r.path, r.endpoint, vendor);
        if (hostile != null) {
            return HostileBodies.build(hostile, response, r);
        }
        if (faults.takeMalformed(r.path, r.endpoint, vendor)) {
            byte[] body = response.body();
            byte[] cut = new byte[Math.max(1, body.length / 2)];
            System.arraycopy(body, 0, cut, 0, Math.min(cut.length, body.length));
            return new SimResponse(response.status(), SimResponse.JSON, cut, response.headers());
        }
        return response;
    }

    /** What a gateway in front of the vendor sends: an HTML page for 502/503/504, plain text otherwise. */
    private static SimResponse httpFailure(int status) {
        String reason = switch (status) {
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Temporarily Unavailable";
            case 504 -> "Gateway Time-out";
            case 429 -> "Too Many Requests";
            default -> "Error";
        };
        if (status == 502 || status == 503 || status == 504) {
            return SimResponse.text(status, SimResponse.HTML, "<html>\r\n<head><title>" + status + " " + reason
                    + "</title></head>\r\n<body>\r\n<center><h1>" + status + " " + reason
                    + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
        }
        return SimResponse.text(status, SimResponse.TEXT, status + " " + reason);
    }

    private void send(HttpExchange exchange, SimResponse response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        for (Map.Entry<String, String> h : response.headers().entrySet()) {
            exchange.getResponseHeaders().set(h.getKey(), h.getValue());
        }
        String streamed = response.headers().get(HostileBodies.STREAM_HEADER);
        if (streamed != null) {
            exchange.sendResponseHeaders(response.status(), 0);
            try (OutputStream out = exchange.getResponseBody()) {
                HostileBodies.streamHuge(out, Long.parseLong(streamed), streamedBytes);
            }
            return;
        }
        byte[] body = response.body();
        bytesServed.add(body.length);
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public String toString() {
        return "VendorSimulator[" + baseUrl() + ", school " + school.memberCount() + " members, company "
                + company.employeeCount() + " employees]";
    }
}
