package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock vm console NAME [--force]}: the VM's serial console on this terminal. With a terminal on stdin it
 * is put in raw mode (every key goes to the guest) and {@code Ctrl-]} leaves; piped, stdin goes to the guest and the
 * guest's output to stdout until stdin ends, then {@value #LINGER_SECONDS} seconds more of output, so a script can
 * send a line and read the answer.
 */
@Command(name = "console", description = "Attach to a running VM's serial console (Ctrl-] leaves); --force takes it"
        + " over from another client.")
final class VmConsoleCommand implements Callable<Integer> {

    private static final int LEAVE = 0x1d;
    private static final int LINGER_SECONDS = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME-or-ID")
    private String vm;

    @Option(names = "--force", description = "Take the console over from the client that holds it.")
    private boolean force;

    @Override
    public Integer call() {
        PaddockCommand root = PaddockCommand.of(spec);
        ApiClient client = root.client();
        JsonNode found = VmsCommand.resolve(client, vm);
        String name = found.path("name").asText();
        URI uri = webSocket(client.server(), "api/v1/vms/" + found.path("id").asText() + "/console/serial"
                + (force ? "?force=true" : ""));
        Guest guest = new Guest(System.out);
        WebSocket socket = connect(client, uri, guest);
        boolean terminal = Terminal.isTerminal();
        if (terminal) {
            root.err().println("Connected to the serial console of VM '" + name + "'; press Ctrl-] to leave.");
            root.err().flush();
        }
        try (Terminal raw = terminal ? Terminal.raw() : Terminal.none()) {
            Thread typing = Thread.ofPlatform().daemon().name("console-input")
                    .start(() -> type(System.in, socket, terminal, guest));
            String ended = guest.closed.get();
            typing.interrupt();
            return ended(root, ended);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.ERROR.code();
        } catch (ExecutionException e) {
            throw new CliException(ExitCode.ERROR, "The console connection failed: " + e.getCause().getMessage() + ".");
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        }
    }

    /** What the server's close says: nothing when the client left, the reason otherwise. */
    private static int ended(PaddockCommand root, String ended) {
        if (ended.isEmpty()) {
            return ExitCode.OK.code();
        }
        root.err().println();
        root.err().println("paddock: " + ended.substring(ended.indexOf(' ') + 1));
        root.err().flush();
        return ended.startsWith("1000 ") ? ExitCode.OK.code() : ExitCode.CONFLICT.code();
    }

    private static void type(InputStream in, WebSocket socket, boolean terminal, Guest guest) {
        byte[] buffer = new byte[4096];
        try {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                int end = read;
                if (terminal) {
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] == LEAVE) {
                            end = i;
                            break;
                        }
                    }
                }
                if (end > 0) {
                    socket.sendBinary(ByteBuffer.wrap(Arrays.copyOf(buffer, end)), true).join();
                }
                if (end < read) {
                    guest.closed.complete("");
                    return;
                }
            }
            guest.closed.get(LINGER_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            guest.closed.complete("");
        } catch (IOException | ExecutionException | CompletionException e) {
            guest.closed.complete("");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static URI webSocket(URI server, String path) {
        URI http = server.resolve(path);
        String scheme = http.getScheme().equals("https") ? "wss" : "ws";
        return URI.create(scheme + http.toString().substring(http.getScheme().length()));
    }

    /** Opens the WebSocket; a refusal before the upgrade is the server's sentence, as for any other request. */
    static WebSocket connect(ApiClient client, URI uri, WebSocket.Listener listener) {
        try {
            var builder = client.http().newWebSocketBuilder();
            client.authorization().ifPresent(value -> builder.header("Authorization", value));
            return builder.buildAsync(uri, listener).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                int status = refused.getResponse().statusCode();
                String detail = "";
                try {
                    detail = Json.mapper().readTree(String.valueOf(refused.getResponse().body())).path("detail")
                            .asText("");
                } catch (IOException | RuntimeException unreadable) {
                    detail = "";
                }
                throw new CliException(ExitCode.ofHttpStatus(status), detail.isEmpty()
                        ? "The server answered " + status + "." : detail);
            }
            throw new CliException(ExitCode.UNREACHABLE, "Cannot open a WebSocket to the Paddock server at "
                    + client.server() + ": " + e.getCause().getMessage() + ".");
        }
    }

    /** Writes what the guest says to stdout as it comes; completes with "STATUS REASON" when the server closes. */
    private static final class Guest implements WebSocket.Listener {
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final PrintStream out;

        Guest(PrintStream out) {
            this.out = out;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            out.write(bytes, 0, bytes.length);
            out.flush();
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            byte[] bytes = data.toString().getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
            out.flush();
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
            closed.complete(status + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.complete("1011 The console connection failed: " + error.getMessage());
        }
    }

    /** The controlling terminal's mode, set raw for a session and restored after (through stty). */
    private static final class Terminal implements AutoCloseable {
        private final String saved;

        private Terminal(String saved) {
            this.saved = saved;
        }

        static boolean isTerminal() {
            try {
                return new ProcessBuilder("test", "-t", "0").redirectInput(ProcessBuilder.Redirect.INHERIT).start()
                        .waitFor() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        static Terminal none() {
            return new Terminal("");
        }

        static Terminal raw() {
            String saved = stty("-g").strip();
            stty("raw", "-echo");
            return new Terminal(saved);
        }

        @Override
        public void close() {
            if (!saved.isEmpty()) {
                stty(saved);
            }
        }

        private static String stty(String... arguments) {
            String[] command = new String[arguments.length + 1];
            command[0] = "stty";
            System.arraycopy(arguments, 0, command, 1, arguments.length);
            try {
                Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
                String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                process.waitFor();
                return said;
            } catch (IOException e) {
                throw new CliException(ExitCode.ERROR, "The terminal could not be set: " + e.getMessage() + ".");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }
    }
}
