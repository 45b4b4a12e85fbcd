package io.orgsync.kamelet;

import io.orgsync.config.SourceName;
import io.orgsync.config.SourceSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.StringHelper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bean of a source Kamelet ({@code orgsync-<source>-source}). Its template puts the Kamelet's
 * properties into {@code keys}: the tenant's keys as in {@code orgsync.tenants.<name>.*}, but
 * camel-cased ({@code appSecret} for {@code app-secret}). A map rather than a setter per key, so a
 * source with keys of its own needs nothing here. Each firing runs the tenant's sync route, made from the
 * source's route template on the first one, and leaves the fetched run on the exchange as a
 * {@link RunMessage}. {@link #toString()} never shows the secret.
 */
public final class SourceKamelet implements CamelContextAware {

    private CamelContext camelContext;
    private SourceName source;
    private String tenant;
    private final Map<String, Object> keys = new LinkedHashMap<>();
    private volatile SourceSettings settings;
    private ProducerTemplate producer;

    public void setSource(String source) {
        this.source = SourceName.of(source).orElseThrow(() ->
                new IllegalArgumentException("unknown source '" + source + "' in a source Kamelet"));
    }

    public void setTenant(String tenant) {
        this.tenant = tenant;
    }

    /**
     * Camel binds the template's {@code keys.<property>} into this map, camel-casing even a dashed
     * name. Properties left empty stay blank, which settings read as unset, so the source's
     * defaults apply as for settings.
     */
    public Map<String, Object> getKeys() {
        return keys;
    }

    /**
     * Runs one sync of the tenant. A failed run is recorded and logged as any run's failure and
     * emits nothing ({@value Kamelets#EMIT} stays unset).
     */
    public void fetch(Exchange exchange) {
        SourceSettings tenantSettings = settings;
        if (tenantSettings == null) {
            synchronized (this) {
                if (settings == null) {
                    Map<String, Object> bySuffix = new LinkedHashMap<>();
                    keys.forEach((property, value) -> bySuffix.put(StringHelper.camelCaseToDash(property), value));
                    settings = kamelets().tenant(source, tenant, bySuffix);
                }
                tenantSettings = settings;
            }
        }
        exchange.removeProperty(Kamelets.EMIT);
        Exchange done = producer().send("direct:" + tenantSettings.routeName() + "-sync", exchange);
        if (done.getException() != null) {
            throw new IllegalStateException("the sync of Kamelet tenant " + tenant + " failed", done.getException());
        }
    }

    /** One template for every firing: each new one would hold its own producer cache until Camel stops. */
    private synchronized ProducerTemplate producer() {
        if (producer == null) {
            producer = camelContext.createProducerTemplate();
        }
        return producer;
    }

    private Kamelets kamelets() {
        return Kamelets.in(camelContext);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public String toString() {
        return "SourceKamelet[" + source + ", tenant=" + tenant + "]";
    }
}
