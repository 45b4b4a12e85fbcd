package io.orgsync.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A canonical person, whatever the source. One record per person per run: departments and
 * relations are the union over every place the vendor listed the person.
 */
@JsonPropertyOrder({"kind", "source", "tenant", "id", "name", "role", "departmentIds", "mobile", "email", "status",
        "relations", "attributes"})
@JsonIgnoreProperties(value = "kind", allowGetters = true)
public record Member(
        String source,
        String tenant,
        String id,
        String name,
        Role role,
        List<String> departmentIds,
        String mobile,
        String email,
        Status status,
        List<Relation> relations,
        ObjectNode attributes) implements CanonicalRecord {

    public static final String KIND = "member";

    public Member {
        departmentIds = departmentIds == null ? List.of() : List.copyOf(departmentIds);
        relations = relations == null ? List.of() : List.copyOf(relations);
        attributes = attributes == null ? CanonicalJson.emptyObject() : attributes;
    }

    @Override
    @JsonProperty("kind")
    public String kind() {
        return KIND;
    }
}
