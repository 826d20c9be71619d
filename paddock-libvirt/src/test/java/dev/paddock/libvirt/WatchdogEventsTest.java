package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.Watchdog;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.libvirt.Connect;

class WatchdogEventsTest {

    @ParameterizedTest(name = "libvirt''s watchdog action {0} ({1}) is reported as {2}")
    @CsvSource({
            "0, none,       NONE",
            "1, pause,      PAUSE",
            "2, reset,      RESET",
            "3, poweroff,   POWEROFF",
            "4, shutdown,   POWEROFF",
            "5, debug,      NONE",
            "6, inject-nmi, NONE"})
    void actions(int code, String libvirtName, Watchdog.Action expected) {
        assertThat(WatchdogEvents.action(code)).contains(expected);
    }

    @Test
    @DisplayName("an action code libvirt may add later is not guessed at")
    void unknownAction() {
        assertThat(WatchdogEvents.action(7)).isEqualTo(Optional.empty());
    }

    @Test
    @DisplayName("the watchdog callback registers on a real libvirt connection and deregisters")
    void registersOnTheTestDriver() throws Exception {
        LibvirtEventLoop.ensureRunning();
        Connect connect = new Connect("test:///default", false);
        try {
            Optional<WatchdogEvents.Registration> registration =
                    WatchdogEvents.register(connect, (uuid, name, action) -> { });

            assertThat(registration).hasValueSatisfying(r -> assertThat(r.id()).isNotNegative());
            WatchdogEvents.deregister(registration.orElseThrow());
        } finally {
            connect.close();
        }
    }
}
