package io.orgsync.kamelet;

import io.orgsync.config.SourceName;
import io.orgsync.config.SourceSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bean of a source Kamelet ({@code <vendor>-directory-source}): its properties are the tenant's
 * keys, named as in {@code orgsync.tenants.<name>.*} but camel-cased ({@code appSecret} for
 * {@code app-secret}). Each firing runs the tenant's sync route, made from the vendor's route
 * template on the first one, and leaves the fetched run on the exchange as a {@link RunMessage}.
 * {@link #toString()} never shows the secret.
 */
public final class DirectorySource implements CamelContextAware {

    private CamelContext camelContext;
    private SourceName source;
    private String tenant;
    private final Map<String, String> keys = new LinkedHashMap<>();
    private volatile SourceSettings settings;
    private ProducerTemplate producer;

    public void setSource(String source) {
        this.source = SourceName.of(source).orElseThrow(() ->
                new IllegalArgumentException("unknown source '" + source + "' in a source Kamelet"));
    }

    public void setTenant(String tenant) {
        this.tenant = tenant;
    }

    public void setAppId(String value) {
        put("app-id", value);
    }

    public void setAppSecret(String value) {
        put("app-secret", value);
    }

    public void setAppKey(String value) {
        put("app-key", value);
    }

    public void setCorpId(String value) {
        put("corp-id", value);
    }

    public void setCorpSecret(String value) {
        put("corp-secret", value);
    }

    public void setTopOrgId(String value) {
        put("top-org-id", value);
    }

    public void setBaseUrl(String value) {
        put("base-url", value);
    }

    public void setRootDepartmentId(String value) {
        put("root-department-id", value);
    }

    public void setMaxRequestsPerSecond(String value) {
        put("max-requests-per-second", value);
    }

    public void setMaxRequestsPerMinute(String value) {
        put("max-requests-per-minute", value);
    }

    public void setConcurrency(String value) {
        put("concurrency", value);
    }

    public void setDepartmentIdType(String value) {
        put("department-id-type", value);
    }

    public void setUserIdType(String value) {
        put("user-id-type", value);
    }

    public void setDepartmentMode(String value) {
        put("department-mode", value);
    }

    public void setMemberMode(String value) {
        put("member-mode", value);
    }

    /** Kamelet properties left empty stay unset, so the vendor's defaults apply as for settings. */
    private void put(String key, String value) {
        if (value != null && !value.isBlank()) {
            keys.put(key, value.strip());
        }
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
                    settings = kamelets().tenant(source, tenant, keys);
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
        return "DirectorySource[" + source + ", tenant=" + tenant + "]";
    }
}
