package dev.paddock.security;

import java.util.Objects;

/**
 * A role given to a user or to a directory group, on a scope.
 *
 * @param subject the user's name, or the group's name for {@link SubjectKind#GROUP}
 */
public record Grant(String id, SubjectKind subjectKind, String subject, String role, Scope scope) {

    public enum SubjectKind {
        USER,
        GROUP
    }

    public Grant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subjectKind, "subjectKind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(scope, "scope");
    }
}
