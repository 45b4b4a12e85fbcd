package io.orgsync.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What departments and members share: identity within a source and tenant. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Department.class, name = Department.KIND),
        @JsonSubTypes.Type(value = Member.class, name = Member.KIND)})
public sealed interface CanonicalRecord permits Department, Member {

    String kind();

    String source();

    String tenant();

    String id();
}
