package dev.paddock.audit;

/** What people look at after the fact: the alarms and the audit log, both in the store's database. */
public record Oversight(Alarms alarms, AuditLog audit) {}
