package io.orgsync.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A canonical department, whatever the source. {@code path} runs from the root down to this
 * department, itself included; the root has {@code parentId == null}.
 */
@JsonPropertyOrder({"kind", "source", "tenant", "id", "parentId", "name", "type", "order", "path", "attributes"})
@JsonIgnoreProperties(value = "kind", allowGetters = true)
public record Department(
        String source,
        String tenant,
        String id,
        String parentId,
        String name,
        DepartmentType type,
        Long order,
        List<String> path,
        ObjectNode attributes) implements CanonicalRecord {

    public static final String KIND = "department";

    public Department {
        path = path == null ? List.of() : List.copyOf(path);
        attributes = attributes == null ? CanonicalJson.emptyObject() : attributes;
    }

    @Override
    @JsonProperty("kind")
    public String kind() {
        return KIND;
    }

    public Department withPath(String newParentId, List<String> newPath) {
        return new Department(source, tenant, id, newParentId, name, type, order, newPath, attributes);
    }
}
