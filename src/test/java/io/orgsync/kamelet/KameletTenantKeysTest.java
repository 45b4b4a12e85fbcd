package io.orgsync.kamelet;

import io.orgsync.Sources;
import io.orgsync.config.ConfigurationException;
import io.orgsync.config.SourceName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A source Kamelet's template hands its properties over as a map, which no compiler checks
 * against the source's keys: a key no setting reads must stop the tenant, not vanish.
 */
class KameletTenantKeysTest {

    @Test
    void aKeyTheSourceDoesNotReadIsRefusedByItsFullName() {
        Kamelets kamelets = new Kamelets(null, null, null, null);
        Map<String, Object> keys = Map.of("app-id", "cli_a", "app-secret", "s3cret", "top-org-id", "school-1");

        assertThatThrownBy(() -> kamelets.tenant(Sources.FEISHU, "hq", keys))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("orgsync.tenants.hq.top-org-id")
                .hasMessageContaining("feishu")
                .hasMessageNotContaining("s3cret");
    }
}
