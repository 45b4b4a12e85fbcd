package io.orgsync.source;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.orgsync.model.CanonicalJson;
import io.orgsync.run.RunFailedException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link WireObject} must read a member exactly as Jackson's {@code treeToValue} bound the wire record before. */
class WireObjectTest {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Bound(String userId, String name, List<String> departmentIds, JsonNode status,
                 @JsonAnySetter Map<String, JsonNode> extra) {
    }

    record Page(List<Bound> items) {
    }

    private static Bound read(WireObject wire) {
        return new Bound(wire.text("user_id"), wire.text("name"), wire.texts("department_ids"), wire.raw("status"),
                wire.rest(Set.of("user_id", "name", "department_ids", "status")));
    }

    private static JsonNode json(String text) throws Exception {
        return CanonicalJson.MAPPER.readTree(text);
    }

    @Test
    void scalarsNullsAbsentFieldsAndUnmappedFieldsReadAsJacksonBindsThem() throws Exception {
        String[] users = {
            "{\"user_id\":\"u1\",\"name\":\"张三\",\"department_ids\":[\"d1\",\"d2\"],\"status\":{\"is_frozen\":false}}",
            "{\"user_id\":42,\"name\":1.50,\"department_ids\":[1,2.0,true,null],\"status\":1}",
            "{\"user_id\":12345678901234567890,\"name\":true,\"department_ids\":[],\"status\":null}",
            "{\"user_id\":null,\"name\":null,\"department_ids\":null}",
            "{}",
            "{\"user_id\":\"u2\",\"position\":\"工程师\",\"order\":[1,2],\"extattr\":{\"attrs\":[]},\"alias\":null,"
                    + "\"mobile\":\"\",\"gender\":\"1\",\"big\":1.10}",
        };
        for (String user : users) {
            JsonNode page = json("{\"items\":[" + user + "]}");
            Bound bound = CanonicalJson.MAPPER.treeToValue(page, Page.class).items().get(0);

            Bound read = read(WireObject.list(page, "items", "feishu", "User").get(0));

            assertThat(read.userId()).as(user).isEqualTo(bound.userId());
            assertThat(read.name()).as(user).isEqualTo(bound.name());
            assertThat(read.departmentIds()).as(user).isEqualTo(bound.departmentIds());
            assertThat(read.status()).as(user).isEqualTo(bound.status());
            assertThat(CanonicalJson.toLine(Attributes.of(read.extra()))).as(user)
                    .isEqualTo(CanonicalJson.toLine(Attributes.of(bound.extra())));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Paging(Boolean hasMore, String pageToken) {
    }

    @Test
    void pagingFieldsReadAsJacksonBindsThem() throws Exception {
        String[] pages = {"{\"has_more\":true,\"page_token\":\"t1\"}", "{\"has_more\":false}", "{}",
                "{\"has_more\":null,\"page_token\":null}", "{\"has_more\":\"true\",\"page_token\":7}",
                "{\"has_more\":\"TRUE\"}", "{\"has_more\":\"false\"}", "{\"has_more\":1}", "{\"has_more\":0}",
                "{\"has_more\":true,\"items\":[{\"a\":1}]}"};
        for (String text : pages) {
            JsonNode data = json(text);
            Paging bound = CanonicalJson.MAPPER.treeToValue(data, Paging.class);

            WireObject read = WireObject.of(data, "feishu", "UserPage");

            assertThat(read.flag("has_more")).as(text).isEqualTo(Boolean.TRUE.equals(bound.hasMore()));
            assertThat(read.text("page_token")).as(text).isEqualTo(bound.pageToken());
        }
        assertThatThrownBy(() -> WireObject.of(json("{\"has_more\":[true]}"), "feishu", "UserPage").flag("has_more"))
                .isInstanceOf(RunFailedException.class).hasMessageContaining("has_more is an array, not a boolean");
        assertThatThrownBy(() -> WireObject.of(json("[]"), "feishu", "UserPage"))
                .isInstanceOf(RunFailedException.class).hasMessageContaining("no data object for UserPage");
    }

    @Test
    void anAbsentOrNullListIsNoObjects() throws Exception {
        assertThat(WireObject.list(json("{}"), "items", "feishu", "User")).isEmpty();
        assertThat(WireObject.list(json("{\"items\":null}"), "items", "feishu", "User")).isEmpty();
    }

    @Test
    void anObjectOrArrayWhereTextBelongsFailsTheRunAsJacksonDid() throws Exception {
        String[] users = {
            "{\"name\":{\"zh\":\"张三\"}}",
            "{\"name\":[\"张三\"]}",
            "{\"department_ids\":\"d1\"}",
            "{\"department_ids\":[{\"id\":\"d1\"}]}",
        };
        for (String user : users) {
            JsonNode page = json("{\"items\":[" + user + "]}");
            assertThatThrownBy(() -> CanonicalJson.MAPPER.treeToValue(page, Page.class)).as(user)
                    .isInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);

            assertThatThrownBy(() -> read(WireObject.list(page, "items", "feishu", "User").get(0))).as(user)
                    .isInstanceOf(RunFailedException.class)
                    .hasMessageStartingWith("feishu: unexpected answer shape for User: ");
        }
        assertThatThrownBy(() -> WireObject.list(json("{\"items\":{}}"), "items", "wecom", "User"))
                .isInstanceOf(RunFailedException.class)
                .hasMessage("wecom: unexpected answer shape for User: items is an object, not an array");
        assertThatThrownBy(() -> WireObject.list(json("{\"items\":[1]}"), "items", "wecom", "User"))
                .isInstanceOf(RunFailedException.class)
                .hasMessage("wecom: unexpected answer shape for User: an element of items is a number, not an object");
    }
}
