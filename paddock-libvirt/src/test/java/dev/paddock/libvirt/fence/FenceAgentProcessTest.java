package dev.paddock.libvirt.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.ha.FenceAction;
import dev.paddock.ha.FenceAgent;
import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.FenceOutcome;
import dev.paddock.model.PowerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives real executables that speak the fence-agents protocol, written by each test into a temporary
 * directory: the same way Debian's fence_ipmilan or fence_redfish are driven, without a BMC.
 */
class FenceAgentProcessTest {

    @TempDir
    Path dir;

    private final FenceAgent agents = new FenceAgentProcess(Duration.ofSeconds(5));

    /**
     * A power controller in a file: reads key=value lines, records them, and acts on {@code action} like a
     * fencing.py agent (status exit 0 on / 2 off, "Status: ON|OFF" on stdout).
     */
    private Path powerAgent() throws IOException {
        return agent("fence_file", """
                #!/bin/sh
                while IFS= read -r line; do
                  echo "$line" >> "%1$s/received"
                  case "$line" in
                    action=*) action="${line#action=}" ;;
                    plug=*) plug="${line#plug=}" ;;
                  esac
                done
                state="%1$s/power-$plug"
                [ -f "$state" ] || echo on > "$state"
                case "$action" in
                  off) echo off > "$state"; echo Success: Powered OFF ;;
                  on) echo on > "$state"; echo Success: Powered ON ;;
                  reboot) echo on > "$state"; echo Success: Rebooted ;;
                  status) if [ "$(cat "$state")" = on ]; then echo Status: ON; exit 0; else echo Status: OFF; exit 2; fi ;;
                  monitor) exit 0 ;;
                  list) echo "1,host-a"; echo "2,host-b" ;;
                  *) echo "Failed: unknown action $action" >&2; exit 1 ;;
                esac
                """.formatted(dir));
    }

    private Path agent(String name, String script) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static FenceDevice device(Path agent) {
        return new FenceDevice(agent.toString(), Map.of("ip", "10.77.0.11", "username", "admin",
                "password", "s3cret-pw", "lanplus", "1", "plug", "7"));
    }

    @Test
    void offThenStatusConfirmsTheHostIsOffAndOnBringsItBack() throws IOException {
        FenceDevice device = device(powerAgent());

        assertThat(agents.run(device, FenceAction.STATUS))
                .isEqualTo(new FenceOutcome.Power(FenceAction.STATUS, PowerState.ON));
        FenceOutcome off = agents.run(device, FenceAction.OFF);
        assertThat(off).isEqualTo(new FenceOutcome.Done(FenceAction.OFF, "Success: Powered OFF"));
        assertThat(off.confirmsOff()).isTrue();
        FenceOutcome status = agents.run(device, FenceAction.STATUS);
        assertThat(status)
                .isEqualTo(new FenceOutcome.Power(FenceAction.STATUS, PowerState.OFF));
        assertThat(status.confirmsOff()).isTrue();
        assertThat(agents.run(device, FenceAction.ON).confirmsOff()).isFalse();
        assertThat(agents.run(device, FenceAction.STATUS))
                .isEqualTo(new FenceOutcome.Power(FenceAction.STATUS, PowerState.ON));
        assertThat(agents.run(device, FenceAction.MONITOR)).isInstanceOf(FenceOutcome.Done.class);
        assertThat(agents.run(device, FenceAction.REBOOT)).isInstanceOf(FenceOutcome.Done.class);
    }

    @Test
    void theAgentReadsTheActionThenEveryOptionAsKeyValueLinesOnItsInput() throws IOException {
        agents.run(device(powerAgent()), FenceAction.OFF);

        assertThat(Files.readAllLines(dir.resolve("received"))).containsExactly(
                "action=off", "ip=10.77.0.11", "lanplus=1", "password=s3cret-pw", "plug=7", "username=admin");
    }

    @Test
    void thePasswordIsNeitherOnTheAgentsCommandLineNorInItsEnvironmentWhereOtherUsersLook() throws IOException {
        Path agent = agent("fence_ps", """
                #!/bin/sh
                tr '\\0' ' ' < /proc/$$/cmdline > "%1$s/cmdline"
                tr '\\0' '\\n' < /proc/$$/environ > "%1$s/environ"
                cat > "%1$s/stdin"
                echo Status: ON
                """.formatted(dir));

        agents.run(device(agent), FenceAction.STATUS);

        assertThat(Files.readString(dir.resolve("cmdline"))).contains("fence_ps").doesNotContain("s3cret-pw");
        assertThat(Files.readString(dir.resolve("environ"))).contains("PYTHONWARNINGS").doesNotContain("s3cret-pw");
        assertThat(Files.readString(dir.resolve("stdin"))).contains("password=s3cret-pw");
    }

    @Test
    void listGivesThePlugsBehindTheDevice() throws IOException {
        assertThat(agents.run(device(powerAgent()), FenceAction.LIST)).isEqualTo(new FenceOutcome.Plugs(
                FenceAction.LIST, List.of(new FenceOutcome.Plug("1", "host-a"), new FenceOutcome.Plug("2", "host-b"))));
    }

    @Test
    void aFailingAgentGivesItsExitCodeAndStandardErrorWithThePasswordScrubbed() throws IOException {
        Path agent = agent("fence_denied", """
                #!/bin/sh
                cat > /dev/null
                echo "Failed: Unable to obtain correct plug status or plug is not available" >&2
                echo "debug: logged in as admin with s3cret-pw" >&2
                exit 3
                """);

        FenceOutcome outcome = agents.run(device(agent), FenceAction.OFF);

        assertThat(outcome).isEqualTo(new FenceOutcome.Failed(FenceAction.OFF, 3,
                "Failed: Unable to obtain correct plug status or plug is not available\n"
                        + "debug: logged in as admin with *****"));
        assertThat(outcome.confirmsOff()).isFalse();
    }

    @Test
    void aStatusExitCodeOtherThanOnOrOffIsAFailureNotAPowerState() throws IOException {
        Path agent = agent("fence_error", "#!/bin/sh\ncat > /dev/null\nexit 1\n");

        assertThat(agents.run(device(agent), FenceAction.STATUS))
                .isEqualTo(new FenceOutcome.Failed(FenceAction.STATUS, 1, "the agent exited with 1"));
    }

    @Test
    void anAgentThatHangsIsKilledAtTheTimeoutAndNothingIsConfirmed() throws IOException {
        Path agent = agent("fence_hang", "#!/bin/sh\necho connecting >&2\nsleep 30\n");
        FenceAgent impatient = new FenceAgentProcess(Duration.ofSeconds(2));

        long started = System.nanoTime();
        FenceOutcome outcome = impatient.run(device(agent), FenceAction.OFF);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(outcome).isInstanceOf(FenceOutcome.TimedOut.class);
        FenceOutcome.TimedOut timedOut = (FenceOutcome.TimedOut) outcome;
        assertThat(timedOut.after()).isEqualTo(Duration.ofSeconds(2));
        assertThat(timedOut.error()).as("what the agent said before it was killed").startsWith("connecting\n");
        assertThat(outcome.confirmsOff()).isFalse();
    }

    @Test
    void aStatusWhoseOutputContradictsItsExitCodeIsNotBelieved() throws IOException {
        Path agent = agent("fence_confused", "#!/bin/sh\ncat > /dev/null\necho Status: ON\nexit 2\n");

        assertThat(agents.run(device(agent), FenceAction.STATUS)).isEqualTo(new FenceOutcome.Failed(
                FenceAction.STATUS, 2, "the agent's exit code 2 means OFF but it printed 'Status: ON'"));
    }

    @Test
    void aListLineThatIsNotPlugCommaAliasIsBadOutput() throws IOException {
        Path agent = agent("fence_garbled", "#!/bin/sh\ncat > /dev/null\necho '<html>login</html>'\n");

        FenceOutcome outcome = agents.run(device(agent), FenceAction.LIST);

        assertThat(outcome).isEqualTo(new FenceOutcome.Failed(FenceAction.LIST, 0,
                "the agent's list line '<html>login</html>' is not 'plug,alias'"));
    }

    @Test
    void anAgentThatCannotRunIsAFailureThatNamesIt() {
        FenceOutcome outcome = agents.run(device(dir.resolve("fence_missing")), FenceAction.OFF);

        assertThat(outcome).isInstanceOf(FenceOutcome.Failed.class);
        assertThat(((FenceOutcome.Failed) outcome).error()).startsWith("cannot run fence agent " + dir.resolve("fence_missing"));
    }

    @Test
    void anAgentThatIgnoresItsInputIsJudgedByItsExitCode() throws IOException {
        Path agent = agent("fence_deaf", "#!/bin/sh\nexit 0\n");

        assertThat(agents.run(device(agent), FenceAction.OFF)).isEqualTo(new FenceOutcome.Done(FenceAction.OFF, ""));
    }

    @Test
    void aDeviceShowsItsOptionsWithEverySecretMasked() {
        FenceDevice device = new FenceDevice("fence_redfish", Map.of("ip", "10.0.0.5", "password", "pw1",
                "snmp_priv_passwd", "pw2", "username", "root"));

        assertThat(device.toString()).isEqualTo(
                "fence_redfish[ip=10.0.0.5, password=*****, snmp_priv_passwd=*****, username=root]");
    }

    @Test
    void optionsThatWouldBreakTheLineProtocolAreRefused() {
        assertThatThrownBy(() -> new FenceDevice("fence_ipmilan", Map.of("password", "a\naction=on")))
                .hasMessage("fence option password must fit on one line");
        assertThatThrownBy(() -> new FenceDevice("fence_ipmilan", Map.of("action", "reboot")))
                .hasMessage("the fence action is chosen by Paddock, not set as an option");
        assertThatThrownBy(() -> new FenceDevice("fence_ipmilan", Map.of("ip addr", "x")))
                .hasMessageContaining("must be letters, digits");
    }
}
