package io.orgsync.source;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.spi.EndpointStrategy;
import org.apache.camel.spi.InterceptSendToEndpoint;
import org.apache.camel.support.DefaultInterceptSendToEndpoint;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mechanics of every vendor call, written once: the source routes send to plain camel-http
 * endpoints ({@code toD: "{{vendor}}/cgi-bin/user/list?department_id=${body}"}), and every http
 * endpoint Camel creates is intercepted here, the way Camel's {@code interceptSendToEndpoint}
 * does it (this class registers the same {@link DefaultInterceptSendToEndpoint} decoration). The
 * tenant whose run it is (exchange property {@value #TENANT_KEYS}, set before {@code runs.begin})
 * has its {@link VendorConnection}: token, pacing, requests in flight, retries, error
 * classification; the request then goes out through the very endpoint the route wrote. A send to
 * any other address, or outside a run, goes out unchanged.
 *
 * <p>Not an {@code interceptSendToEndpoint} in a route configuration: Camel builds that
 * interceptor's steps once, inside whichever route it reifies first, with that route's error
 * handler; a vendor failure was then handled by an arbitrary route's policy (a token route's
 * refusal disappeared into the sync route's handler). Here a failure is the failure of the
 * route's own send step, handled as that route says.
 */
public final class VendorCalls extends ServiceSupport implements Processor, CamelContextAware, EndpointStrategy {

    /** The registry name the interceptor's {@code process} step refers to. */
    public static final String BEAN = "orgsyncVendorCalls";
    /** The same property {@code runs.begin} reads: the tenant's key prefix ({@code wecom}, {@code tenants.hq}). */
    public static final String TENANT_KEYS = "orgsyncTenantKeys";

    private final Map<String, VendorConnection> tenants = new ConcurrentHashMap<>();
    private final Map<String, Producer> producers = new ConcurrentHashMap<>();
    private CamelContext context;
    private ProducerTemplate template;

    /** The tenant with key prefix {@code keys} calls its vendor through {@code connection}. */
    public void register(String keys, VendorConnection connection) {
        connection.start(context);
        tenants.put(keys, connection);
    }

    public VendorConnection connection(String keys) {
        return tenants.get(keys);
    }

    /** Every http endpoint is decorated as it is created; {@link #process} decides per send. */
    @Override
    public Endpoint registerEndpoint(String uri, Endpoint endpoint) {
        if (endpoint instanceof HttpEndpoint && !(endpoint instanceof InterceptSendToEndpoint)) {
            DefaultInterceptSendToEndpoint intercepted = new DefaultInterceptSendToEndpoint(endpoint, true);
            intercepted.setBefore(this);
            return intercepted;
        }
        return endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String uri = exchange.getProperty(ExchangePropertyKey.INTERCEPTED_ENDPOINT, String.class);
        Producer producer = producer(uri);
        String keys = exchange.getProperty(TENANT_KEYS, String.class);
        VendorConnection tenant = keys == null ? null : tenants.get(keys);
        if (tenant == null || !tenant.serves(uri)) {
            producer.process(exchange);
            return;
        }
        tenant.call(exchange, producer, template);
    }

    /**
     * The route's own endpoint, undecorated by the interception. Vendor answers of every status come
     * back as messages for the dialect to classify, and the body stays the answer's stream, read
     * here under the size limit instead of cached whole first.
     */
    private Producer producer(String uri) {
        return producers.computeIfAbsent(uri, key -> {
            Endpoint endpoint = context.getEndpoint(key);
            if (endpoint instanceof InterceptSendToEndpoint intercepted) {
                endpoint = intercepted.getOriginalEndpoint();
            }
            if (endpoint instanceof HttpEndpoint http) {
                http.setThrowExceptionOnFailure(false);
                http.setDisableStreamCache(true);
            }
            try {
                Producer producer = endpoint.createProducer();
                ServiceHelper.startService(producer);
                return producer;
            } catch (Exception e) {
                throw new IllegalStateException("cannot send to " + endpoint, e);
            }
        });
    }

    @Override
    protected void doStart() {
        template = context.createProducerTemplate();
        ServiceHelper.startService(template);
    }

    @Override
    protected void doStop() {
        ServiceHelper.stopService(producers.values());
        producers.clear();
        ServiceHelper.stopService(template);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }
}
