package dev.paddock.store;

import dev.paddock.hypervisor.ConsolePasswords;
import java.security.SecureRandom;
import javax.sql.DataSource;

/**
 * The SQL of {@link ConsolePasswords} (table of {@code V26__vm_consoles.sql}). A password is 8 characters, letters
 * and digits, from a {@link SecureRandom}: VNC authentication reads no more than 8. Two first uses of one VM racing
 * each other keep the one inserted first (the second insert breaks the key and reads it back).
 */
public final class JdbcConsolePasswords implements ConsolePasswords {

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int LENGTH = 8;

    private final Jdbc jdbc;
    private final SecureRandom random = new SecureRandom();

    public JdbcConsolePasswords(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public String vncPassword(String vmId) {
        return kept(vmId).orElseGet(() -> {
            String made = make();
            try {
                jdbc.update("INSERT INTO vm_consoles (vm_id, vnc_password) VALUES (?, ?)", s -> {
                    s.setString(1, vmId);
                    s.setString(2, made);
                });
                return made;
            } catch (Jdbc.UniqueViolation e) {
                return kept(vmId).orElseThrow(() -> e);
            }
        });
    }

    @Override
    public String rotateVncPassword(String vmId) {
        String made = make();
        int updated = jdbc.update("UPDATE vm_consoles SET vnc_password = ? WHERE vm_id = ?", s -> {
            s.setString(1, made);
            s.setString(2, vmId);
        });
        if (updated == 0) {
            jdbc.update("INSERT INTO vm_consoles (vm_id, vnc_password) VALUES (?, ?)", s -> {
                s.setString(1, vmId);
                s.setString(2, made);
            });
        }
        return made;
    }

    private java.util.Optional<String> kept(String vmId) {
        return jdbc.queryOne("SELECT vnc_password FROM vm_consoles WHERE vm_id = ?", s -> s.setString(1, vmId),
                r -> r.getString(1));
    }

    private String make() {
        StringBuilder password = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
