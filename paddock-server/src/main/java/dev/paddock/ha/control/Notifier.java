package dev.paddock.ha.control;

import java.time.Instant;

/**
 * Where HA tells people what it decided: a webhook in production ({@link WebhookNotifier}). A port: tests hand in a
 * list, and a server without configured URLs hands in {@link #NONE}.
 *
 * <p>{@link #notify} never blocks the HA loop and never throws: a notification that cannot be delivered is
 * logged and dropped, because HA must not wait for a chat server to restart VMs.
 */
public interface Notifier {

    Notifier NONE = notice -> { };

    void notify(Notice notice);

    /**
     * One HA decision, as sent.
     *
     * @param kind what happened, for example {@code ha.fence.confirmed}
     * @param subjectId the host or VM it is about
     */
    record Notice(String kind, String subjectId, String message, Instant at) {}
}
