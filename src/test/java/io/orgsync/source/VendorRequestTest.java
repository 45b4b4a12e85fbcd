package io.orgsync.source;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A route's query as Camel's {@code toD} hands it over: {@code /}, {@code =} and {@code %} escaped,
 * a literal {@code +} left alone. Feishu page tokens carry all of them; the token must reach the
 * vendor exactly as the vendor issued it.
 */
class VendorRequestTest {

    /** A Feishu page token of the documented shape, with every character that needs care. */
    private static final String PAGE_TOKEN = "AQD9/Rn9eij9Pm39ED40/RD/cIFmu77WxpxPB/2oHfQLZ+G8JG6tK7+ZnHiT7COhD2hMSICh/eBl7cpzU6JEC3J7COKNe4jrQ8ExwBCR";

    @Test
    void aPageTokenAsToDEscapedItIsReadBackAsIssuedAndSentFullyEncoded() {
        // what toD made of "page_token=" + PAGE_TOKEN: '/' as %2F, '+' as it was
        String handedOver = "department_id=od-1&page_size=50&page_token=" + PAGE_TOKEN.replace("/", "%2F");

        Map<String, String> query = VendorRequest.parse(handedOver);

        assertThat(query).containsExactly(Map.entry("department_id", "od-1"), Map.entry("page_size", "50"),
                Map.entry("page_token", PAGE_TOKEN));
        assertThat(VendorRequest.encode(query)).isEqualTo("department_id=od-1&page_size=50&page_token="
                + PAGE_TOKEN.replace("/", "%2F").replace("+", "%2B"));
    }

    @Test
    void anEscapedPercentStaysAPercentAndEmptyParametersAreNotSent() {
        Map<String, String> query = VendorRequest.parse("id=&cursor=a%252Fb%3D&page_token=&limit=10000");

        assertThat(query).containsExactly(Map.entry("cursor", "a%2Fb="), Map.entry("limit", "10000"));
    }

    @Test
    void nonAsciiTextSurvivesBothWays() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("name", "王的明妈妈");
        query.put("blank", "");

        String encoded = VendorRequest.encode(query);

        assertThat(encoded).isEqualTo("name=%E7%8E%8B%E7%9A%84%E6%98%8E%E5%A6%88%E5%A6%88");
        assertThat(VendorRequest.parse(encoded)).containsExactly(Map.entry("name", "王的明妈妈"));
    }

    @Test
    void behindAReverseProxyThePathTheDialectSeesIsTheVendorsOwn() {
        // toD with a base URL of http://proxy:8080/wecom hands over the host as the endpoint and
        // the rest of the path in CamelHttpPath
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(
                new org.apache.camel.impl.DefaultCamelContext());
        exchange.setProperty(org.apache.camel.ExchangePropertyKey.INTERCEPTED_ENDPOINT, "http://proxy:8080");
        exchange.getMessage().setHeader(org.apache.camel.Exchange.HTTP_PATH, "/wecom/cgi-bin/user/list");
        exchange.getMessage().setHeader(org.apache.camel.Exchange.HTTP_QUERY, "department_id=7");

        assertThat(VendorRequest.of(exchange, "/wecom").path()).isEqualTo("/cgi-bin/user/list");
        assertThat(VendorRequest.of(exchange, "").path()).isEqualTo("/wecom/cgi-bin/user/list");
    }

    @Test
    void aBrokenEscapeIsKeptAsText() {
        assertThat(VendorRequest.unescape("50%")).isEqualTo("50%");
        assertThat(VendorRequest.unescape("%zz%4")).isEqualTo("%zz%4");
        assertThat(VendorRequest.unescape("a+b")).isEqualTo("a+b");
    }
}
