package io.orgsync;

import io.orgsync.cluster.ClusterSettings;
import io.orgsync.cluster.ClusteredScheduling;
import io.orgsync.config.ConfigurationException;
import io.orgsync.config.OrgSyncSettings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * orgsync's beans for a runtime that starts Camel itself and only gets our jar as a dependency —
 * Camel K, or any Camel Main told {@code camel.main.configuration-classes=io.orgsync.OrgSyncRuntimeConfiguration}.
 * It needs a no-argument constructor, so it reads and validates the settings from the context's
 * own properties, then adds the derived values the routes read (default schedules, vendor base
 * URLs) exactly as {@link OrgSyncApp} does for the command line.
 */
public final class OrgSyncRuntimeConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Function<String, Optional<String>> lookup = key -> {
            try {
                return properties.resolveProperty(key);
            } catch (RuntimeException e) {
                throw new ConfigurationException(key, "cannot be resolved: " + OrgSync.rootMessage(e));
            }
        };
        // an integration of Pipes runs source Kamelets only: it may enable no source of its own
        OrgSyncSettings settings = OrgSyncSettings.load(lookup, false);
        // derived from the resolved values, overrides included, so adding them changes no explicit setting
        OrgSyncApp.effectiveProperties(settings).forEach(properties::addOverrideProperty);
        new OrgSyncConfiguration(settings, Clock.systemUTC()).configure(context);
        ClusterSettings cluster = ClusterSettings.load(lookup, settings.jdbc());
        if (cluster.enabled()) {
            ClusteredScheduling.configure(context, cluster, settings.jdbc());
        }
    }
}
