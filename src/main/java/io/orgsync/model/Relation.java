package io.orgsync.model;

/**
 * A link from a member to another member: a parent's child ({@code role = student}) or a student's
 * parent ({@code role = parent}). {@code relation} is the vendor's own word, e.g. {@code 爸爸}.
 */
public record Relation(String id, Role role, String relation) {
}
