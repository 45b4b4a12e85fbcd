package io.orgsync.model;

/** What departments and members share: identity within a source and tenant. */
public sealed interface CanonicalRecord permits Department, Member {

    String kind();

    String source();

    String tenant();

    String id();
}
