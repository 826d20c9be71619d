package dev.paddock.api;

/** What a request did that the audit log keeps: an action on a subject, in a sentence. */
record AuditNote(String action, String subjectId, String detail) {}
