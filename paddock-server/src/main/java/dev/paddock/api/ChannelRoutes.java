package dev.paddock.api;

import dev.paddock.notification.Channel;
import dev.paddock.notification.Notifications;
import dev.paddock.notification.Notifier;
import dev.paddock.security.Permission;
import dev.paddock.store.DuplicateNameException;
import io.javalin.http.Context;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Notification channels: a webhook or e-mail over SMTP, made, listed, removed, and tested (one notice sent now,
 * answered with what happened). An SMTP password is taken once and never shown again.
 */
final class ChannelRoutes {

    static final String PATH = RestApi.BASE + "/channels";
    private static final int MAX_RECIPIENTS = 50;

    private final Optional<Notifications> notifications;
    private final AuditTrail audit;
    private final Clock clock;

    ChannelRoutes(Optional<Notifications> notifications, AuditTrail audit, Clock clock) {
        this.notifications = notifications;
        this.audit = audit;
        this.clock = clock;
    }

    void register(SecuredRoutes routes) {
        routes.get(PATH, Permission.ALARM_READ, ctx -> ctx.json(Map.of("items",
                notifications().channels().list().stream().map(ChannelRoutes::view).toList())));
        routes.post(PATH, Permission.CHANNEL_MANAGE, this::create);
        routes.get(PATH + "/{id}", Permission.ALARM_READ, ctx -> ctx.json(view(channel(ctx))));
        routes.delete(PATH + "/{id}", Permission.CHANNEL_MANAGE, this::delete);
        routes.expensive().post(PATH + "/{id}/test", Permission.CHANNEL_MANAGE, this::test);
    }

    private Notifications notifications() {
        return notifications.orElseThrow(() -> new PaddockException.Conflict("This server sends no notifications."));
    }

    /**
     * A channel to make: {@code kind} "webhook" with {@code url}, or "email" with {@code smtpHost}, {@code smtpPort}
     * (default 25, or 587 with {@code startTls}), {@code from}, {@code to} and, for a server that wants a login,
     * {@code username} and {@code password}.
     */
    record NewChannel(String name, String kind, String url, String smtpHost, Integer smtpPort, Boolean startTls,
            String from, List<String> to, String username, String password) {}

    private void create(Context ctx) {
        NewChannel request = RequestBody.read(ctx, NewChannel.class);
        String name = Requests.name(request.name(), "name");
        String kind = Requests.required(request.kind(), "kind");
        Channel.Target target = switch (kind) {
            case "webhook" -> new Channel.Webhook(url(Requests.required(request.url(), "url")));
            case "email" -> email(request);
            default -> throw new PaddockException.InvalidValue("Field 'kind' must be 'webhook' or 'email'; got '"
                    + kind + "'.");
        };
        Optional<String> password = Optional.ofNullable(request.password()).filter(secret -> !secret.isEmpty());
        if (password.isPresent() && (!(target instanceof Channel.Email email) || email.username().isEmpty())) {
            throw new PaddockException.InvalidValue("Field 'password' goes with an e-mail channel's 'username'.");
        }
        if (notifications().channels().byName(name).isPresent()) {
            throw duplicate(name);
        }
        Channel channel = new Channel(InventoryRoutes.newId(), name, target, Guard.caller(ctx).name(), clock.instant());
        try {
            notifications().channels().put(channel, password);
        } catch (DuplicateNameException e) {
            throw duplicate(name);
        }
        audit.record(ctx, new AuditNote("channel.create", channel.id(), "make " + kind + " channel " + name + " to "
                + destination(target)));
        InventoryRoutes.created(ctx, "channels", channel.id(), view(channel));
    }

    private static PaddockException duplicate(String name) {
        return new PaddockException.Conflict("A notification channel named '" + name + "' already exists.");
    }

    /** An absolute http or https URL with a host. */
    private static URI url(String raw) {
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw new PaddockException.InvalidValue("Field 'url' is no URL: '" + raw + "' (" + e.getReason() + ").");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new PaddockException.InvalidValue("Field 'url' must be an http:// or https:// URL with a host; got '"
                    + raw + "'.");
        }
        return url;
    }

    private static Channel.Email email(NewChannel request) {
        String host = Requests.required(request.smtpHost(), "smtpHost");
        if (!host.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\]")) {
            throw new PaddockException.InvalidValue("Field 'smtpHost' must be a host name or address; got '" + host
                    + "'.");
        }
        boolean startTls = Boolean.TRUE.equals(request.startTls());
        int port = request.smtpPort() == null ? (startTls ? 587 : 25) : request.smtpPort();
        Requests.between(port, 1, 65_535, "smtpPort", "");
        String from = address(Requests.required(request.from(), "from"), "from");
        List<String> to = request.to() == null ? List.of() : request.to();
        if (to.isEmpty() || to.size() > MAX_RECIPIENTS) {
            throw new PaddockException.InvalidValue("Field 'to' must list 1 to " + MAX_RECIPIENTS + " e-mail addresses.");
        }
        List<String> recipients = new ArrayList<>();
        to.forEach(address -> recipients.add(address(address, "to")));
        Optional<String> username = Optional.ofNullable(request.username()).filter(user -> !user.isBlank());
        return new Channel.Email(host, port, startTls, from, recipients, username);
    }

    /** One plain address (user@domain), as an SMTP server takes it in MAIL FROM and RCPT TO. */
    private static String address(String raw, String field) {
        try {
            InternetAddress address = new InternetAddress(raw == null ? "" : raw, true);
            if (address.getPersonal() != null || !address.getAddress().contains("@")) {
                throw new AddressException("not a plain address");
            }
            return address.getAddress();
        } catch (AddressException e) {
            throw new PaddockException.InvalidValue("Field '" + field + "' holds '" + raw + "', which is no e-mail"
                    + " address (user@domain).");
        }
    }

    private Channel channel(Context ctx) {
        String id = InventoryRoutes.id(ctx);
        return notifications().channels().get(id).or(() -> notifications().channels().byName(id))
                .orElseThrow(() -> new PaddockException.NotFound("No notification channel has id or name '" + id
                        + "'."));
    }

    private void delete(Context ctx) {
        Channel channel = channel(ctx);
        notifications().channels().remove(channel.id());
        audit.record(ctx, new AuditNote("channel.delete", channel.id(), "remove " + channel.target().kind()
                + " channel " + channel.name()));
        ctx.status(204);
    }

    /** Sends a test notice now and answers whether it was delivered, or the sentence that says why not. */
    private void test(Context ctx) {
        Channel channel = channel(ctx);
        Notifications.TestResult result = notifications().test(channel, new Notifier.Notice("channel.test",
                channel.id(), "A test of notification channel " + channel.name() + ", sent by "
                + Guard.caller(ctx).name() + ".", clock.instant()));
        audit.record(ctx, new AuditNote("channel.test", channel.id(), "test channel " + channel.name() + ": "
                + (result.delivered() ? "delivered" : "not delivered: " + result.detail())));
        ctx.json(result);
    }

    private static String destination(Channel.Target target) {
        return switch (target) {
            case Channel.Webhook webhook -> webhook.url().toString();
            case Channel.Email email -> String.join(", ", email.to()) + " through " + email.host() + ":" + email.port();
        };
    }

    private static Map<String, Object> view(Channel channel) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", channel.id());
        view.put("name", channel.name());
        view.put("kind", channel.target().kind());
        switch (channel.target()) {
            case Channel.Webhook webhook -> view.put("url", webhook.url().toString());
            case Channel.Email email -> {
                view.put("smtpHost", email.host());
                view.put("smtpPort", email.port());
                view.put("startTls", email.startTls());
                view.put("from", email.from());
                view.put("to", email.to());
                view.put("username", email.username().orElse(null));
            }
        }
        view.put("owner", channel.owner());
        view.put("created", channel.created());
        return view;
    }
}
