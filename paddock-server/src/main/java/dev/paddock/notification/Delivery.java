package dev.paddock.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.paddock.json.Json;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;

/**
 * Sends one notice through one channel, once: a webhook POST answered 2xx, or a mail the SMTP server accepted. A
 * failure is a {@link Failed} whose message is the sentence a person reads (the channel's test action shows it as
 * it is).
 */
public final class Delivery {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int SUBJECT_LENGTH = 120;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final Channels channels;

    public Delivery(Channels channels) {
        this.channels = channels;
    }

    /** A notice the channel did not take. */
    public static final class Failed extends Exception {
        public Failed(String message) {
            super(message);
        }
    }

    public void send(Channel channel, Notifier.Notice notice) throws Failed {
        switch (channel.target()) {
            case Channel.Webhook webhook -> post(webhook, notice);
            case Channel.Email email -> mail(channel, email, notice);
        }
    }

    private void post(Channel.Webhook webhook, Notifier.Notice notice) throws Failed {
        HttpRequest request = HttpRequest.newBuilder(webhook.url()).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(notice))).build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 != 2) {
                throw new Failed("The webhook " + webhook.url() + " answered HTTP " + status + ".");
            }
        } catch (IOException e) {
            throw new Failed("The webhook " + webhook.url() + " could not be reached: " + reason(e) + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("Sending to the webhook " + webhook.url() + " was interrupted.");
        }
    }

    private void mail(Channel channel, Channel.Email email, Notifier.Notice notice) throws Failed {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", email.host());
        properties.put("mail.smtp.port", String.valueOf(email.port()));
        properties.put("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT.toMillis()));
        properties.put("mail.smtp.timeout", String.valueOf(TIMEOUT.toMillis()));
        properties.put("mail.smtp.writetimeout", String.valueOf(TIMEOUT.toMillis()));
        if (email.startTls()) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
        }
        Optional<String> password = channels.password(channel.id());
        Authenticator login = null;
        if (email.username().isPresent()) {
            properties.put("mail.smtp.auth", "true");
            String user = email.username().get();
            String secret = password.orElse("");
            login = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, secret);
                }
            };
        }
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(properties, login));
            message.setFrom(new InternetAddress(email.from()));
            for (String to : email.to()) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            message.setSubject("[Paddock] " + subject(notice.message()), "UTF-8");
            message.setSentDate(Date.from(notice.at()));
            message.setText(notice.message() + "\n\n" + notice.kind() + " on " + notice.subjectId() + " at "
                    + notice.at() + "\n", "UTF-8");
            Transport.send(message);
        } catch (MessagingException e) {
            throw new Failed("The SMTP server " + email.host() + ":" + email.port() + " did not take the mail: "
                    + reason(e) + ".");
        }
    }

    /** A mail's subject: the notice's sentence, cut at a word before 120 characters. */
    private static String subject(String message) {
        if (message.length() <= SUBJECT_LENGTH) {
            return message;
        }
        int cut = message.lastIndexOf(' ', SUBJECT_LENGTH - 3);
        return message.substring(0, cut > 0 ? cut : SUBJECT_LENGTH - 3) + "...";
    }

    /**
     * The cause's own words, the innermost that has some ("Connection refused", not a wrapper's); a cause without words
     * (the HTTP client's refused connection) by what it is.
     */
    private static String reason(Throwable e) {
        String words = null;
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                words = cause.getMessage().strip();
            }
            if (cause instanceof java.net.ConnectException || cause instanceof java.nio.channels.ClosedChannelException) {
                words = words == null ? "the connection was refused" : words;
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                return "no answer within " + TIMEOUT.toSeconds() + " s";
            }
        }
        String text = words == null ? "no reason given" : words;
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    static String json(Notifier.Notice notice) {
        try {
            return Json.mapper().writeValueAsString(notice);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a notice is plain JSON", e);
        }
    }
}
