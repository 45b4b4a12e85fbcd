package io.orgsync.source.feishu;

import com.fasterxml.jackson.databind.node.MissingNode;
import io.orgsync.config.ConfigurationException;
import io.orgsync.model.CanonicalJson;
import io.orgsync.run.RunContext;
import io.orgsync.run.RunFailedException;
import io.orgsync.source.PageState;
import io.orgsync.source.Paging;
import io.orgsync.source.VendorFailure;
import io.orgsync.BeanStep;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the vendor cannot make the simulator say: a department skipped (out of scope or gone, the
 * client already logged it) ends only its own listing, unless it is the root.
 */
class FeishuNormaliserTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final FeishuNormaliser normaliser = new FeishuNormaliser(null, "open_department_id", "open_id");

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    @Test
    void aSkippedDepartmentEndsItsOwnListingAndTheRunGoesOn() {
        Exchange exchange = begun();
        exchange.setProperty(FeishuNormaliser.DEPARTMENT, "od-gone");
        PageState page = new Paging(10).start(exchange.getProperties(), "users of od-gone");
        exchange.getMessage().setBody(MissingNode.getInstance());

        BeanStep.call(normaliser, "users", exchange);

        assertThat(page.isMore()).isFalse();
        assertThat(exchange.getProperty(RunContext.PROPERTY, RunContext.class).snapshot().memberCount()).isZero();
    }

    @Test
    void aSkippedRootFailsTheRunNamingTheRootKey() {
        Exchange exchange = begun();
        exchange.setProperty(FeishuNormaliser.DEPARTMENT, "0");
        new Paging(10).start(exchange.getProperties(), "users of 0");
        exchange.getMessage().setBody(MissingNode.getInstance());

        assertThatThrownBy(() -> BeanStep.call(normaliser, "users", exchange))
                .isInstanceOfSatisfying(VendorFailure.Misconfigured.class,
                        e -> assertThat(e.key()).isEqualTo("orgsync.feishu.root-department-id"));
    }

    @Test
    void theWalkQueuesEachDepartmentOnceAndRefusesIdsThatAreNotPathSafe() throws Exception {
        Exchange exchange = begun();
        new Paging(10).start(exchange.getProperties(), "departments");
        exchange.getMessage().setBody(CanonicalJson.MAPPER.readTree("{\"code\":43010,\"msg\":\"big dept\"}"));
        BeanStep.call(normaliser, "departments", exchange);
        FeishuWalk walk = exchange.getProperty(FeishuWalk.PROPERTY, FeishuWalk.class);
        assertThat(walk).isNotNull();

        exchange.setProperty(FeishuNormaliser.DEPARTMENT, BeanStep.call(normaliser, "nextInWalk", exchange));
        assertThat(exchange.getProperty(FeishuNormaliser.DEPARTMENT)).isEqualTo("0");
        new Paging(10).start(exchange.getProperties(), "children of 0");
        // a child that names the root as its own child must not be walked again
        exchange.getMessage().setBody(CanonicalJson.MAPPER.readTree("{\"code\":0,\"data\":{\"has_more\":false,"
                + "\"items\":[{\"name\":\"A\",\"open_department_id\":\"od-a\",\"parent_department_id\":\"0\"},"
                + "{\"name\":\"A again\",\"open_department_id\":\"od-a\",\"parent_department_id\":\"0\"}]}}"));
        BeanStep.call(normaliser, "walkedChildren", exchange);
        exchange.setProperty(FeishuNormaliser.DEPARTMENT, BeanStep.call(normaliser, "nextInWalk", exchange));
        assertThat(exchange.getProperty(FeishuNormaliser.DEPARTMENT)).isEqualTo("od-a");
        assertThat(walk.isPending()).isFalse();

        new Paging(10).start(exchange.getProperties(), "children of od-a");
        exchange.getMessage().setBody(CanonicalJson.MAPPER.readTree("{\"code\":0,\"data\":{\"has_more\":false,"
                + "\"items\":[{\"name\":\"evil\",\"open_department_id\":\"../../auth\",\"parent_department_id\":\"od-a\"}]}}"));
        assertThatThrownBy(() -> BeanStep.call(normaliser, "walkedChildren", exchange)).isInstanceOf(RunFailedException.class)
                .hasMessageContaining("not valid in a request path");
    }

    @Test
    void aRootIdThatCannotGoInAPathIsAConfigurationError() {
        assertThatThrownBy(() -> new FeishuNormaliser("a/b", "open_department_id", "open_id"))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.key()).isEqualTo("orgsync.feishu.root-department-id"));
    }

    private Exchange begun() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(RunContext.PROPERTY, new RunContext("feishu", "tenant", Instant.now()));
        BeanStep.call(normaliser, "begin", exchange);
        return exchange;
    }
}
