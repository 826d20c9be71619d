package dev.paddock.notification;

import java.time.Instant;

/**
 * Where the server tells people what happened (HA's decisions, alarms raised and cleared): the notification channels
 * in production ({@link Notifications}). A port: tests hand in a list, and parts that need no notices hand in
 * {@link #NONE}.
 *
 * <p>{@link #notify} never blocks the caller and never throws: a notice is queued, and one that cannot be delivered
 * is retried, then logged and counted, because HA must not wait for a mail server to restart VMs.
 */
public interface Notifier {

    Notifier NONE = notice -> { };

    void notify(Notice notice);

    /**
     * One notice, as sent.
     *
     * @param kind what happened, for example {@code ha.fence.confirmed} or {@code alarm.raised}
     * @param subjectId the host, VM or datastore it is about
     */
    record Notice(String kind, String subjectId, String message, Instant at) {}
}
