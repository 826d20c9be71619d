package dev.paddock.notification;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A place notices go: a webhook, or e-mail addresses reached through an SMTP server. An SMTP password is kept apart
 * ({@link Channels#password}), sealed in the store, and never part of the channel as the API shows it.
 */
public record Channel(String id, String name, Target target, String owner, Instant created) {

    /** Where a channel delivers. */
    public sealed interface Target permits Webhook, Email {
        /** "webhook" or "email", as the API names it. */
        String kind();
    }

    /** A URL each notice is POSTed to as JSON. */
    public record Webhook(URI url) implements Target {
        @Override
        public String kind() {
            return "webhook";
        }
    }

    /**
     * Mail sent through {@code host}:{@code port}, upgraded with STARTTLS when {@code startTls} (and refused when the
     * server does not offer it), logged in as {@code username} when there is one.
     */
    public record Email(String host, int port, boolean startTls, String from, List<String> to,
            Optional<String> username) implements Target {
        public Email {
            to = List.copyOf(to);
        }

        @Override
        public String kind() {
            return "email";
        }
    }
}
