package dev.paddock.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.json.Json;
import dev.paddock.notification.Channel;
import dev.paddock.notification.Channels;
import dev.paddock.security.SecretBox;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The SQL of {@link Channels}: table {@code notification_channels} of V33. A webhook's target is its URL; an e-mail
 * channel's is {@code host:port} and its settings a JSON object; the SMTP password is sealed by the
 * {@link SecretBox}, bound to the channel's id.
 */
public final class JdbcChannels implements Channels {

    private static final String COLUMNS = "id, name, kind, target, settings, owner, created";

    private final Jdbc jdbc;
    private final SecretBox secrets;

    public JdbcChannels(DataSource dataSource, SecretBox secrets) {
        this.jdbc = new Jdbc(dataSource);
        this.secrets = secrets;
    }

    @Override
    public List<Channel> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM notification_channels ORDER BY name", s -> { },
                JdbcChannels::channel);
    }

    @Override
    public Optional<Channel> get(String id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM notification_channels WHERE id = ?", s -> s.setString(1, id),
                JdbcChannels::channel);
    }

    @Override
    public Optional<Channel> byName(String name) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM notification_channels WHERE name = ?",
                s -> s.setString(1, name), JdbcChannels::channel);
    }

    @Override
    public void put(Channel channel, Optional<String> password) {
        String target = switch (channel.target()) {
            case Channel.Webhook webhook -> webhook.url().toString();
            case Channel.Email email -> email.host() + ":" + email.port();
        };
        String settings = settings(channel.target());
        String sealed = password.map(secret -> secrets.seal(secret, context(channel.id()))).orElse(null);
        try {
            jdbc.update("INSERT INTO notification_channels (" + COLUMNS + ", password_sealed) VALUES (?, ?, ?, ?, ?, ?,"
                    + " ?, ?)", s -> {
                        s.setString(1, channel.id());
                        s.setString(2, channel.name());
                        s.setString(3, channel.target().kind());
                        s.setString(4, target);
                        s.setString(5, settings);
                        s.setString(6, channel.owner());
                        s.setObject(7, JdbcAlarms.offset(channel.created().truncatedTo(ChronoUnit.MICROS)));
                        s.setString(8, sealed);
                    });
        } catch (Jdbc.UniqueViolation e) {
            throw new DuplicateNameException("A notification channel named '" + channel.name() + "' already exists.");
        }
    }

    @Override
    public Optional<String> password(String id) {
        return jdbc.queryOne("SELECT password_sealed FROM notification_channels WHERE id = ?", s -> s.setString(1, id),
                r -> Optional.ofNullable(r.getString("password_sealed"))).flatMap(sealed -> sealed)
                .map(sealed -> secrets.open(sealed, context(id)));
    }

    @Override
    public boolean remove(String id) {
        return jdbc.update("DELETE FROM notification_channels WHERE id = ?", s -> s.setString(1, id)) > 0;
    }

    private static String context(String id) {
        return "notification channel " + id + " password";
    }

    private static String settings(Channel.Target target) {
        ObjectNode node = Json.mapper().createObjectNode();
        if (target instanceof Channel.Email email) {
            node.put("from", email.from());
            node.putPOJO("to", email.to());
            node.put("startTls", email.startTls());
            email.username().ifPresent(user -> node.put("username", user));
        }
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("channel settings are plain JSON", e);
        }
    }

    private static Channel channel(ResultSet r) throws SQLException {
        String target = r.getString("target");
        Channel.Target read;
        if (r.getString("kind").equals("webhook")) {
            read = new Channel.Webhook(URI.create(target));
        } else {
            JsonNode settings;
            try {
                settings = Json.mapper().readTree(r.getString("settings"));
            } catch (JsonProcessingException e) {
                throw new SQLException("unreadable settings of notification channel " + r.getString("id"), e);
            }
            List<String> to = new ArrayList<>();
            settings.path("to").forEach(address -> to.add(address.asText()));
            int colon = target.lastIndexOf(':');
            read = new Channel.Email(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)),
                    settings.path("startTls").asBoolean(), settings.path("from").asText(), to,
                    Optional.ofNullable(settings.get("username")).map(JsonNode::asText));
        }
        return new Channel(r.getString("id"), r.getString("name"), read, r.getString("owner"),
                r.getObject("created", OffsetDateTime.class).toInstant());
    }
}
