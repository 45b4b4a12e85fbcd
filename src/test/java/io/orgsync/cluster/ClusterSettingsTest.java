package io.orgsync.cluster;

import io.orgsync.config.ConfigurationException;
import io.orgsync.config.JdbcSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSettingsTest {

    private static final JdbcSettings POSTGRES = new JdbcSettings("jdbc:postgresql://db:5432/orgsync", "orgsync", "");

    @Test
    void offByDefault() {
        assertThat(ClusterSettings.load(lookup(Map.of()), new JdbcSettings(JdbcSettings.DEFAULT_URL, "", "")))
                .isEqualTo(new ClusterSettings(false, "orgsync", 7500));
    }

    @Test
    void anEmbeddedDatabaseCannotBeSharedSoAClusterOnItIsAConfigurationError() {
        assertThatThrownBy(() -> ClusterSettings.load(lookup(Map.of(ClusterSettings.ENABLED_KEY, "true")),
                new JdbcSettings(JdbcSettings.DEFAULT_URL, "", "")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(ClusterSettings.ENABLED_KEY)
                .hasMessageContaining(JdbcSettings.URL_KEY);
        assertThat(ClusterSettings.load(lookup(Map.of(ClusterSettings.ENABLED_KEY, "true")),
                new JdbcSettings("jdbc:h2:tcp://db/orgsync", "", "")).enabled()).isTrue();
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> ClusterSettings.load(lookup(Map.of(ClusterSettings.ENABLED_KEY, "yes")), POSTGRES))
                .hasMessageContaining(ClusterSettings.ENABLED_KEY);
        assertThatThrownBy(() -> ClusterSettings.load(lookup(Map.of(ClusterSettings.CHECKIN_KEY, "100")), POSTGRES))
                .hasMessageContaining(ClusterSettings.CHECKIN_KEY);
        assertThatThrownBy(() -> ClusterSettings.load(lookup(Map.of(ClusterSettings.NAME_KEY, "a b")), POSTGRES))
                .hasMessageContaining(ClusterSettings.NAME_KEY);
    }

    @Test
    void everyReplicaGetsTheSameSchedulerNameAndTheDatabasesDelegate() {
        ClusterSettings cluster = new ClusterSettings(true, "orgsync", 2000);
        Map<String, Object> postgres = ClusteredScheduling.quartzProperties(cluster,
                io.orgsync.sink.jdbc.SqlDialect.POSTGRESQL, "ds");
        assertThat(postgres).containsEntry("org.quartz.scheduler.instanceName", "orgsync")
                .containsEntry("org.quartz.jobStore.isClustered", "true")
                .containsEntry("org.quartz.jobStore.clusterCheckinInterval", "2000")
                .containsEntry("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        assertThat(ClusteredScheduling.quartzProperties(cluster, io.orgsync.sink.jdbc.SqlDialect.MARIADB, "ds"))
                .containsEntry("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
    }

    private static Function<String, Optional<String>> lookup(Map<String, String> values) {
        return key -> Optional.ofNullable(values.get(key));
    }
}
