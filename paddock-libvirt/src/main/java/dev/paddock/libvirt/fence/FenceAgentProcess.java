package dev.paddock.libvirt.fence;

import dev.paddock.ha.FenceAction;
import dev.paddock.ha.FenceAgent;
import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.FenceOutcome;
import dev.paddock.model.PowerState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs a fence-agents executable with the standard protocol: no arguments, {@code key=value} lines on standard
 * input ({@code action=} first, then the device's options), exit code as the answer (status: 0 on, 2 off,
 * anything else an error; other actions: 0 done). Standard output and error go to temporary files rather than
 * pipes, so an agent that prints a lot cannot block on a full pipe; both are read back (at most
 * {@value #MAX_OUTPUT} bytes each), stripped of secret option values, and kept in the outcome.
 *
 * <p>An agent that runs past the timeout is killed with its children, and the outcome says so. One line is
 * logged per run, with the device shown masked; passwords are never logged.
 */
public final class FenceAgentProcess implements FenceAgent {

    static final int MAX_OUTPUT = 64 * 1024;
    private static final System.Logger LOG = System.getLogger(FenceAgentProcess.class.getName());

    private final Duration timeout;

    /** @param timeout how long one action may take; real agents power off within 20 to 60 s */
    public FenceAgentProcess(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a fence timeout must be positive");
        }
    }

    @Override
    public FenceOutcome run(FenceDevice device, FenceAction action) {
        long started = System.nanoTime();
        FenceOutcome outcome = execute(device, action);
        LOG.log(System.Logger.Level.INFO, "fence " + action.protocolName() + " with " + device + ": " + summary(outcome)
                + " in " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
        return outcome;
    }

    private FenceOutcome execute(FenceDevice device, FenceAction action) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("paddock-fence-", ".out");
            err = Files.createTempFile("paddock-fence-", ".err");
            ProcessBuilder builder = new ProcessBuilder(device.agent())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            // fence-agents on Python 3.11+ warn that 'pipes' is deprecated, which would bury the agent's own error
            builder.environment().putIfAbsent("PYTHONWARNINGS", "ignore::DeprecationWarning");
            Process process = builder.start();
            writeInput(process, device, action);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new FenceOutcome.TimedOut(action, timeout, scrub(read(err), device));
            }
            return interpret(action, process.exitValue(), scrub(read(out), device), scrub(read(err), device));
        } catch (IOException e) {
            return new FenceOutcome.Failed(action, -1, "cannot run fence agent " + device.agent() + ": "
                    + scrub(String.valueOf(e.getMessage()), device));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FenceOutcome.Failed(action, -1, "interrupted while waiting for fence agent " + device.agent());
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** The protocol's input; an agent that exits without reading it is not an error of ours. */
    private static void writeInput(Process process, FenceDevice device, FenceAction action) {
        StringBuilder input = new StringBuilder("action=").append(action.protocolName()).append('\n');
        for (Map.Entry<String, String> option : device.options().entrySet()) {
            input.append(option.getKey()).append('=').append(option.getValue()).append('\n');
        }
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException agentClosedItsInput) {
            // The exit code tells what happened.
        }
    }

    static FenceOutcome interpret(FenceAction action, int exit, String output, String error) {
        return switch (action) {
            case STATUS -> status(exit, output, error);
            case LIST -> exit == 0 ? plugs(output, error) : failed(action, exit, error);
            case OFF, ON, REBOOT, MONITOR -> exit == 0
                    ? new FenceOutcome.Done(action, output.strip())
                    : failed(action, exit, error);
        };
    }

    /** Exit 0 is on and 2 is off; a "Status: X" line, when printed, must agree, or nothing is believed. */
    private static FenceOutcome status(int exit, String output, String error) {
        PowerState byExit = switch (exit) {
            case 0 -> PowerState.ON;
            case 2 -> PowerState.OFF;
            default -> PowerState.UNKNOWN;
        };
        if (byExit == PowerState.UNKNOWN) {
            return failed(FenceAction.STATUS, exit, error);
        }
        for (String line : output.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.regionMatches(true, 0, "Status:", 0, 7)) {
                String said = trimmed.substring(7).strip().toUpperCase(java.util.Locale.ROOT);
                if (!said.equals(byExit.name())) {
                    return new FenceOutcome.Failed(FenceAction.STATUS, exit, "the agent's exit code " + exit
                            + " means " + byExit + " but it printed '" + trimmed + "'");
                }
            }
        }
        return new FenceOutcome.Power(FenceAction.STATUS, byExit);
    }

    private static FenceOutcome plugs(String output, String error) {
        List<FenceOutcome.Plug> plugs = new ArrayList<>();
        for (String line : output.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int comma = trimmed.indexOf(',');
            if (comma <= 0) {
                return new FenceOutcome.Failed(FenceAction.LIST, 0, "the agent's list line '" + trimmed
                        + "' is not 'plug,alias'" + (error.isBlank() ? "" : "; " + error));
            }
            plugs.add(new FenceOutcome.Plug(trimmed.substring(0, comma), trimmed.substring(comma + 1)));
        }
        return new FenceOutcome.Plugs(FenceAction.LIST, plugs);
    }

    private static FenceOutcome.Failed failed(FenceAction action, int exit, String error) {
        return new FenceOutcome.Failed(action, exit, error.isBlank() ? "the agent exited with " + exit : error.strip());
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        }
    }

    private static String scrub(String text, FenceDevice device) {
        String scrubbed = text;
        for (String secret : device.secretValues()) {
            scrubbed = scrubbed.replace(secret, "*****");
        }
        return scrubbed;
    }

    private static String summary(FenceOutcome outcome) {
        return switch (outcome) {
            case FenceOutcome.Done done -> "done";
            case FenceOutcome.Power power -> "power " + power.state();
            case FenceOutcome.Plugs plugs -> plugs.plugs().size() + " plugs";
            case FenceOutcome.Failed failed -> "failed (exit " + failed.exitCode() + "): " + failed.error();
            case FenceOutcome.TimedOut timedOut -> "timed out after " + timedOut.after().toMillis() + " ms";
        };
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException leftForTheTempCleaner) {
            // createTempFile made it readable by its owner only.
        }
    }
}
