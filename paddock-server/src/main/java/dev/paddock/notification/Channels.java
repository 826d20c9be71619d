package dev.paddock.notification;

import java.util.List;
import java.util.Optional;

/** The notification channels the server keeps, with each SMTP password sealed. */
public interface Channels {

    List<Channel> list();

    Optional<Channel> get(String id);

    Optional<Channel> byName(String name);

    /** Stores a new channel and its SMTP password (empty for none). */
    void put(Channel channel, Optional<String> password);

    /** The channel's SMTP password, opened; empty when it has none. */
    Optional<String> password(String id);

    /** Removes it; false when there was none of that id. */
    boolean remove(String id);
}
