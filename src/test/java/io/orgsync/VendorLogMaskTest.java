package io.orgsync;

import io.orgsync.config.SourceName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VendorLogMaskTest {

    private final VendorLogMask mask = new VendorLogMask();

    @Test
    void masksTheVendorsJsonKeysAndQueryParametersThatCamelsOwnListMisses() {
        // Camel masks a text either as JSON (it starts with { or [) or as key=value pairs
        String json = mask.format("{\"code\":0,\"tenant_access_token\":\"t-g1044abc\",\"app_secret\":\"s3cr3t\","
                + "\"expire\":7200}");
        String query = mask.format("GET /cgi-bin/gettoken?corpid=ww1&corpsecret=Qm9yZ1N5");
        String wuhan = mask.format("app_id=5a1e7b2d app_key=6f1d2c3b");

        assertThat(json).doesNotContain("t-g1044abc", "s3cr3t").contains("\"code\":0", "\"expire\":7200");
        assertThat(query).doesNotContain("Qm9yZ1N5").contains("corpid=ww1");
        assertThat(wuhan).doesNotContain("6f1d2c3b").contains("app_id=5a1e7b2d");
    }

    @Test
    void masksWuhansTokenRequestAndAnswer() {
        String request = mask.format("{\"appId\":\"5a1e7b2d\",\"timeStamp\":\"1700000000000\","
                + "\"keyInfo\":\"9F86D081884C7D659A2FEAA0C55AD015\"}");
        String answer = mask.format("{\"retCode\":\"000000\",\"tokenInfo\":{\"accessToken\":\"wh-7c1e\","
                + "\"validTime\":7200}}");

        assertThat(request).doesNotContain("9F86D081884C7D659A2FEAA0C55AD015").contains("\"appId\":\"5a1e7b2d\"");
        assertThat(answer).doesNotContain("wh-7c1e").contains("\"validTime\":7200");
    }

    @Test
    void everySourcesSecretNamesAreMasked() {
        for (SourceName source : SourceName.values()) {
            assertThat(source.definition().secretNames()).as(source.id()).isNotEmpty().allSatisfy(name ->
                    assertThat(mask.format("id=1 " + name + "=Zm9vYmFy"))
                            .as(source.id() + " " + name).doesNotContain("Zm9vYmFy").contains("id=1"));
        }
    }
}
