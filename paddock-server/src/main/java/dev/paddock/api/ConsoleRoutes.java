package dev.paddock.api;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.SerialConsole;
import dev.paddock.hypervisor.VncDisplay;
import dev.paddock.model.Vm;
import dev.paddock.security.Permission;
import dev.paddock.model.VmState;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running VM's consoles: its serial console as a WebSocket of binary frames both ways, its VNC display's address
 * and password, the rotation of that password, and a WebSocket proxy to the display (what noVNC speaks).
 *
 * <p>Every refusal comes before the upgrade, as problem+json: an unknown VM (404), a VM that does not run, a VM of
 * the simulated room, a serial console another client holds without {@code force=true} (409). So the console is
 * opened, or the display's TCP connection made, before the upgrade, and handed to the WebSocket through the upgrade
 * request's attributes; one the client never upgraded for is closed after {@link #UNCLAIMED}.
 *
 * <p>Not operations: a console changes nothing on the host, and a rotated password must never reach the journal (the
 * rotation is audited without it).
 */
final class ConsoleRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);
    private static final String PIPE = "paddock.console.pipe";
    private static final Duration UNCLAIMED = Duration.ofSeconds(30);
    private static final Duration SEND = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final int CONNECT_MS = 5_000;
    /** WebSocket close codes: the stream ended as it should (the VM stopped), or for a reason the client must hear. */
    private static final int NORMAL = 1000;
    private static final int TAKEN_OVER = 4409;

    private final InventoryStore store;
    private final Hypervisor hypervisor;
    private final AuditTrail audit;
    private final Map<String, Pipe> open = new ConcurrentHashMap<>();

    ConsoleRoutes(InventoryStore store, Hypervisor hypervisor, AuditTrail audit) {
        this.store = store;
        this.hypervisor = hypervisor;
        this.audit = audit;
    }

    void register(SecuredRoutes routes) {
        String console = RestApi.BASE + "/vms/{id}/console";
        routes.get(console + "/vnc", Permission.VM_CONSOLE, ctx -> {
            Running running = running(ctx);
            ctx.json(display(ctx, hypervisor.vncDisplay(running.host(), running.vm().id())));
        });
        routes.post(console + "/vnc/password", Permission.VM_CONSOLE, this::rotate);
        routes.ws(console + "/serial", Permission.VM_CONSOLE, this::openSerial, this::bridge);
        routes.ws(console + "/vnc/ws", Permission.VM_CONSOLE, this::openVnc, this::bridge);
    }

    /** What {@code GET .../console/vnc} answers. */
    record VncAnswer(String host, int port, String password, String websocket) {}

    private static VncAnswer display(Context ctx, VncDisplay display) {
        return new VncAnswer(display.host(), display.port(), display.password(),
                RestApi.BASE + "/vms/" + InventoryRoutes.id(ctx) + "/console/vnc/ws");
    }

    private void rotate(Context ctx) {
        Running running = running(ctx);
        VncDisplay display = hypervisor.rotateVncPassword(running.host(), running.vm().id());
        audit.record(ctx, new AuditNote("vm.vnc-password.rotate", running.vm().id(), "the VNC password of VM '"
                + running.vm().name() + "' was rotated"));
        ctx.json(display(ctx, display));
    }

    private record Running(Vm vm, String host) {}

    private Running running(Context ctx) {
        Vm vm = store.vm(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("VM", ctx));
        // The inventory hears of a start or a migration's end a moment after it: the host is asked when it lags.
        if (vm.hostId().isEmpty() || (vm.state() != VmState.RUNNING && !runsOn(vm.hostId().get(), vm.id()))) {
            throw new PaddockException.Conflict("VM '" + vm.name() + "' is not running; its consoles open only while"
                    + " it runs.");
        }
        return new Running(vm, vm.hostId().get());
    }

    private boolean runsOn(String host, String vmId) {
        try {
            return hypervisor.domain(host, vmId).map(DomainInfo::state).filter(state -> state == VmState.RUNNING)
                    .isPresent();
        } catch (HypervisorException e) {
            return false;
        }
    }

    private void openSerial(Context ctx) {
        Running running = running(ctx);
        boolean force = Boolean.parseBoolean(ctx.queryParam("force"));
        SerialConsole console;
        // The stream a take-over ends says no more than a stream ended by the VM's stop: its pipe is told first.
        List<Pipe> held = force ? open.values().stream()
                .filter(pipe -> pipe.serial && pipe.running.vm().id().equals(running.vm().id())).toList() : List.of();
        held.forEach(pipe -> pipe.takenOver.set(true));
        try {
            console = hypervisor.openSerialConsole(running.host(), running.vm().id(), force);
        } catch (HypervisorException e) {
            held.forEach(pipe -> pipe.takenOver.set(false));
            if (e.getMessage().startsWith("Another client holds")) {
                throw new PaddockException.Conflict("Another client holds the serial console of VM '"
                        + running.vm().name() + "'; connect with force=true to take it over.");
            }
            throw e;
        }
        if (force) {
            audit.record(ctx, new AuditNote("vm.console.take-over", running.vm().id(), "the serial console of VM '"
                    + running.vm().name() + "' was taken over"));
        }
        hold(ctx, new Pipe(running, new SerialEnd(console), true));
    }

    private void openVnc(Context ctx) {
        Running running = running(ctx);
        VncDisplay display = hypervisor.vncDisplay(running.host(), running.vm().id());
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(display.host(), display.port()), CONNECT_MS);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new HypervisorException(HypervisorException.Reason.UNREACHABLE, "The VNC display of VM '"
                    + running.vm().name() + "' at " + display.host() + ":" + display.port() + " did not answer: "
                    + e.getMessage() + ".", e);
        }
        hold(ctx, new Pipe(running, new SocketEnd(socket), false));
    }

    /** Hands the pipe to the WebSocket about to open; closes it if none opens. */
    private void hold(Context ctx, Pipe pipe) {
        ctx.attribute(PIPE, pipe);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(UNCLAIMED);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (pipe.claimed.compareAndSet(false, true)) {
                pipe.end.close();
            }
        });
    }

    private void bridge(WsConfig ws) {
        ws.onConnect(ctx -> {
            Pipe pipe = ctx.attribute(PIPE);
            if (pipe == null || !pipe.claimed.compareAndSet(false, true)) {
                ctx.closeSession(1011, "The console was not opened for this connection.");
                return;
            }
            open.put(ctx.sessionId(), pipe);
            ctx.session.setIdleTimeout(Duration.ZERO);
            Thread.ofPlatform().name("console-" + pipe.running.vm().id()).daemon().start(() -> pump(ctx, pipe));
        });
        ws.onBinaryMessage(ctx -> {
            ByteBuffer data = ctx.data();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            write(ctx, bytes, 0, bytes.length);
        });
        ws.onMessage(ctx -> {
            byte[] text = ctx.message().getBytes(StandardCharsets.UTF_8);
            write(ctx, text, 0, text.length);
        });
        ws.onClose(ctx -> end(ctx.sessionId()));
        ws.onError(ctx -> end(ctx.sessionId()));
    }

    private void write(WsContext ctx, byte[] data, int offset, int length) {
        Pipe pipe = open.get(ctx.sessionId());
        if (pipe == null) {
            return;
        }
        try {
            pipe.end.write(data, offset, length);
        } catch (RuntimeException e) {
            LOG.debug("writing to the console of VM {} failed: {}", pipe.running.vm().id(), e.getMessage());
            end(ctx.sessionId());
        }
    }

    private void end(String sessionId) {
        Pipe pipe = open.remove(sessionId);
        if (pipe != null) {
            pipe.closedHere.set(true);
            pipe.end.close();
        }
    }

    /** Copies what the console or the display says to the client until either side ends, then says why. */
    private void pump(WsContext ctx, Pipe pipe) {
        byte[] buffer = new byte[64 * 1024];
        try {
            int read;
            while ((read = pipe.end.read(buffer)) >= 0) {
                if (read > 0) {
                    Callback.Completable sent = new Callback.Completable();
                    ctx.session.sendBinary(ByteBuffer.wrap(Arrays.copyOf(buffer, read)), sent);
                    sent.get(SEND.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debug("the console of VM {} stopped: {}", pipe.running.vm().id(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pipe.closedHere.get() || !ctx.session.isOpen()) {
            end(ctx.sessionId());
            return;
        }
        end(ctx.sessionId());
        if (!pipe.serial) {
            ctx.closeSession(NORMAL, "The VNC display closed the connection.");
        } else if (pipe.takenOver.get() || stillRuns(pipe.running)) {
            ctx.closeSession(TAKEN_OVER, "Another client took the console over.");
        } else {
            ctx.closeSession(NORMAL, "The VM stopped.");
        }
    }

    /**
     * Whether the domain still runs once its console stream ended: a stopping domain's stream ends a moment before
     * libvirt reports it shut off, so it is asked for up to {@link #SETTLE}.
     */
    private boolean stillRuns(Running running) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            boolean runs;
            try {
                runs = hypervisor.domain(running.host(), running.vm().id()).map(DomainInfo::state)
                        .filter(state -> state == VmState.RUNNING || state == VmState.PAUSED).isPresent();
            } catch (HypervisorException e) {
                runs = false;
            }
            if (!runs || System.nanoTime() > deadline) {
                return runs;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return runs;
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing a VNC connection: {}", e.getMessage());
        }
    }

    /** One client's console: what it is bridged to, and whether this side closed it. */
    private static final class Pipe {
        final Running running;
        final End end;
        final boolean serial;
        final AtomicBoolean claimed = new AtomicBoolean();
        final AtomicBoolean closedHere = new AtomicBoolean();
        final AtomicBoolean takenOver = new AtomicBoolean();

        Pipe(Running running, End end, boolean serial) {
            this.running = running;
            this.end = end;
            this.serial = serial;
        }
    }

    /** The far end of a pipe: a serial console or a VNC display's TCP connection. */
    private sealed interface End permits SerialEnd, SocketEnd {
        /** Blocks for bytes; -1 at the end. */
        int read(byte[] buffer);

        void write(byte[] data, int offset, int length);

        void close();
    }

    private record SerialEnd(SerialConsole console) implements End {
        @Override
        public int read(byte[] buffer) {
            return console.read(buffer);
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            console.write(data, offset, length);
        }

        @Override
        public void close() {
            console.close();
        }
    }

    private record SocketEnd(Socket socket) implements End {
        @Override
        public int read(byte[] buffer) {
            try {
                InputStream in = socket.getInputStream();
                return in.read(buffer);
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(data, offset, length);
                out.flush();
            } catch (IOException e) {
                throw new HypervisorException(HypervisorException.Reason.FAILED, "the VNC display stopped taking"
                        + " input: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            closeQuietly(socket);
        }
    }
}
