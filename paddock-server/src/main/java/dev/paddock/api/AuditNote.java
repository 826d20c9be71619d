package dev.paddock.api;

import dev.paddock.audit.AuditChange;
import java.util.Optional;

/** What a request did that the audit log keeps: an action on a subject, in a sentence, and what it changed. */
record AuditNote(String action, String subjectId, String detail, Optional<AuditChange> change) {

    AuditNote(String action, String subjectId, String detail) {
        this(action, subjectId, detail, Optional.empty());
    }

    AuditNote(String action, String subjectId, String detail, AuditChange change) {
        this(action, subjectId, detail, Optional.of(change));
    }
}
