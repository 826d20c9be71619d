package dev.paddock.audit;

import javax.sql.DataSource;

/** What people look at after the fact: the alarms and the audit log, both in the store's database. */
public record Oversight(Alarms alarms, AuditLog audit) {

    public static Oversight over(DataSource dataSource) {
        return new Oversight(new Alarms(dataSource), new AuditLog(dataSource));
    }
}
