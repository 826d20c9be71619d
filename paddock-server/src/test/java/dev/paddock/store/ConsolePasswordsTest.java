package dev.paddock.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VNC password kept per VM: made on first use, the same until rotated, random, 8 letters and digits. */
class ConsolePasswordsTest {

    @TempDir
    Path directory;

    HikariDataSource dataSource;
    JdbcConsolePasswords passwords;

    @BeforeEach
    void open() {
        dataSource = TestDatabases.h2(directory);
        passwords = new JdbcConsolePasswords(dataSource);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    @DisplayName("a VM's password is made on first use and kept: asked again, and by another reader, it is the same")
    void keptAfterFirstUse() {
        String first = passwords.vncPassword("vm-1");

        assertThat(first).matches("[A-Za-z0-9]{8}");
        assertThat(passwords.vncPassword("vm-1")).isEqualTo(first);
        assertThat(new JdbcConsolePasswords(dataSource).vncPassword("vm-1")).isEqualTo(first);
    }

    @Test
    @DisplayName("a rotation replaces the password, and the new one is what the VM then has")
    void rotation() {
        String before = passwords.vncPassword("vm-1");
        String after = passwords.rotateVncPassword("vm-1");

        assertThat(after).isNotEqualTo(before).matches("[A-Za-z0-9]{8}");
        assertThat(passwords.vncPassword("vm-1")).isEqualTo(after);
        assertThat(passwords.rotateVncPassword("vm-2")).isEqualTo(passwords.vncPassword("vm-2"));
    }

    @Test
    @DisplayName("passwords of different VMs are drawn apart: 200 VMs, 200 passwords")
    void random() {
        Set<String> made = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            made.add(passwords.vncPassword("vm-" + i));
        }
        assertThat(made).hasSize(200);
    }
}
