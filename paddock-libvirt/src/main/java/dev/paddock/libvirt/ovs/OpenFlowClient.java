package dev.paddock.libvirt.ovs;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A small OpenFlow 1.0 client of an Open vSwitch switch's service listener ({@code set-controller BRIDGE
 * ptcp:6653:ADDRESS}, a passive connection, which leaves the switch's fail mode alone): hello, flow changes, barriers,
 * echoes answered, errors named; the flows it keeps ({@link #keep}) and reads back ({@link #flows}). One caller at a
 * time.
 *
 * <p>What Paddock needs of it first is {@link #revalidate}: on the userspace datapath (Open vSwitch 3.1) a new or
 * removed mirror does not reach the flows the datapath has cached until they idle out, while any change to the flow
 * table has every cached flow translated again at once. Adding and deleting one flow that matches nothing Paddock's
 * guests send leaves the table as it was and the mirrors in force.
 */
public final class OpenFlowClient implements AutoCloseable {

    static final byte VERSION = 0x01;
    static final byte HELLO = 0;
    static final byte ERROR = 1;
    static final byte ECHO_REQUEST = 2;
    static final byte ECHO_REPLY = 3;
    static final byte FLOW_MOD = 14;
    static final byte STATS_REQUEST = 16;
    static final byte STATS_REPLY = 17;
    static final short STATS_FLOW = 1;
    static final short STATS_REPLY_MORE = 1;
    static final byte BARRIER_REQUEST = 18;
    static final byte BARRIER_REPLY = 19;
    static final short ADD = 0;
    static final short DELETE_STRICT = 4;
    /** OFPP_NORMAL: the switch's ordinary learning-switch forwarding. */
    static final short PORT_NORMAL = (short) 0xfffa;
    /** OFPP_NONE: no port. */
    static final short PORT_NONE = (short) 0xffff;
    /** {@code ofp_flow_stats} before its actions. */
    static final int FLOW_STATS_FIXED = 88;
    /** IEEE 802 local experimental Ethertype 1: no guest protocol uses it. */
    static final int LOCAL_EXPERIMENTAL = 0x88b5;
    /** "padk": the cookie of the flows Paddock adds to have the cache translated again. */
    static final long COOKIE = 0x7061646bL;

    private final String server;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int nextXid = 1;

    private OpenFlowClient(String server, Socket socket) throws IOException {
        this.server = server;
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to the switch at {@code host:port} and says hello; every later wait ends after {@code timeout}.
     *
     * @throws OvsdbException when no switch answers there
     */
    public static OpenFlowClient connect(String host, int port, Duration timeout) {
        Socket socket = SwitchSocket.open(host, port, timeout, "the switch's OpenFlow listener");
        try {
            OpenFlowClient client = new OpenFlowClient(host + ":" + port, socket);
            client.send(message(HELLO, client.nextXid++, 0));
            return client;
        } catch (IOException | OvsdbException e) {
            SwitchSocket.close(socket);
            throw e instanceof OvsdbException refused ? refused : new OvsdbException("cannot read from the switch's"
                    + " OpenFlow listener at " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Has the switch translate every flow its datapath caches again, and waits until it has. */
    public void revalidate() {
        flowMod(ADD);
        barrier();
        flowMod(DELETE_STRICT);
        barrier();
    }

    private void flowMod(short command) {
        send(flowModMessage(nextXid++, command));
    }

    /** The flow change Paddock adds and deletes: priority 1, Ethertype 0x88b5 only, no actions. */
    static byte[] flowModMessage(int xid, short command) {
        return flowModMessage(xid, command, 1, FlowMatch.any().ethType(LOCAL_EXPERIMENTAL).encode(), COOKIE, false);
    }

    /**
     * The flows of the switch's table whose cookie {@code ours} accepts: what {@link #keep} compares with what it is
     * asked for.
     */
    public List<Installed> flows(java.util.function.LongPredicate ours) {
        int xid = nextXid++;
        ByteBuffer request = ByteBuffer.wrap(message(STATS_REQUEST, xid, 4 + FlowMatch.LENGTH + 4));
        request.position(8);
        request.putShort(STATS_FLOW).putShort((short) 0);
        request.put(FlowMatch.any().encode());
        request.put((byte) 0xff).put((byte) 0).putShort(PORT_NONE);
        send(request.array());
        List<Installed> flows = new ArrayList<>();
        boolean more = true;
        while (more) {
            ByteBuffer body = ByteBuffer.wrap(readUntil(STATS_REPLY, xid));
            body.getShort();
            more = (body.getShort() & STATS_REPLY_MORE) != 0;
            while (body.remaining() >= FLOW_STATS_FIXED) {
                int start = body.position();
                int length = Short.toUnsignedInt(body.getShort(start));
                byte[] match = new byte[FlowMatch.LENGTH];
                body.get(start + 4, match);
                int priority = Short.toUnsignedInt(body.getShort(start + 52));
                long cookie = body.getLong(start + 64);
                if (ours.test(cookie)) {
                    flows.add(new Installed(cookie, priority, match));
                }
                if (length < FLOW_STATS_FIXED) {
                    throw new OvsdbException("the switch at " + server + " sent a flow entry of " + length
                            + " bytes");
                }
                body.position(start + length);
            }
        }
        return flows;
    }

    /**
     * Brings the switch's flows with Paddock's cookies to exactly {@code wanted}: the wanted flows it lacks are added
     * first, then the others of Paddock's removed, so that no packet meets a table with less than both. Flows of
     * others (the switch's own NORMAL flow, an operator's) are left alone. Returns how many flows it added and removed.
     */
    public Changes keep(Collection<Flow> wanted) {
        List<Installed> installed = flows(Flow::isPaddocks);
        Set<Long> present = new HashSet<>();
        installed.forEach(flow -> present.add(flow.cookie()));
        Set<Long> wantedCookies = new HashSet<>();
        int added = 0;
        for (Flow flow : wanted) {
            long cookie = flow.cookie();
            if (wantedCookies.add(cookie) && !present.contains(cookie)) {
                send(flowModMessage(nextXid++, ADD, flow.priority(), flow.match().encode(), cookie, flow.forward()));
                added++;
            }
        }
        int removed = 0;
        for (Installed flow : installed) {
            if (!wantedCookies.contains(flow.cookie())) {
                send(flowModMessage(nextXid++, DELETE_STRICT, flow.priority(), flow.match(), flow.cookie(), false));
                removed++;
            }
        }
        if (added + removed > 0) {
            barrier();
        }
        return new Changes(added, removed);
    }

    /** A flow read back from the switch: its match as the switch keeps it. */
    public record Installed(long cookie, int priority, byte[] match) {
    }

    /** What {@link #keep} changed. */
    public record Changes(int added, int removed) {
        public int total() {
            return added + removed;
        }
    }

    /** A flow change: {@code match} at {@code priority}; an added flow forwards NORMAL or, without action, drops. */
    static byte[] flowModMessage(int xid, short command, int priority, byte[] match, long cookie, boolean forward) {
        ByteBuffer message = ByteBuffer.wrap(message(FLOW_MOD, xid, 64 + (forward ? 8 : 0)));
        message.position(8);
        message.put(match);
        message.putLong(cookie);
        message.putShort(command);
        message.putShort((short) 0);
        message.putShort((short) 0);
        message.putShort((short) priority);
        message.putInt(-1);
        message.putShort(PORT_NONE);
        message.putShort((short) 0);
        if (forward) {
            message.putShort((short) 0).putShort((short) 8).putShort(PORT_NORMAL).putShort((short) 0);
        }
        return message.array();
    }

    /** Sends a barrier and reads until its reply: every change before it is done. */
    private void barrier() {
        int xid = nextXid++;
        send(message(BARRIER_REQUEST, xid, 0));
        readUntil(BARRIER_REPLY, xid);
    }

    /** Reads messages until one of {@code type} answering {@code xid}; returns its body. */
    private byte[] readUntil(byte wanted, int xid) {
        try {
            while (true) {
                byte version = in.readByte();
                byte type = in.readByte();
                int length = in.readUnsignedShort();
                int replyXid = in.readInt();
                byte[] body = new byte[Math.max(0, length - 8)];
                in.readFully(body);
                if (type == wanted && replyXid == xid) {
                    return body;
                }
                switch (type) {
                    case ECHO_REQUEST -> {
                        byte[] reply = message(ECHO_REPLY, replyXid, body.length);
                        reply[0] = version;
                        System.arraycopy(body, 0, reply, 8, body.length);
                        send(reply);
                    }
                    case ERROR -> throw new OvsdbException("the switch at " + server + " refused a flow change"
                            + " (OpenFlow error type " + (body.length >= 2 ? ByteBuffer.wrap(body).getShort() : -1)
                            + ", code " + (body.length >= 4 ? ByteBuffer.wrap(body).getShort(2) : -1) + ")");
                    default -> {
                        // hello, features or status messages: nothing this client waits for
                    }
                }
            }
        } catch (SocketTimeoutException e) {
            throw new OvsdbException("the switch at " + server + " did not answer in time", e);
        } catch (EOFException e) {
            throw new OvsdbException("the switch at " + server + " closed the OpenFlow connection", e);
        } catch (IOException e) {
            throw new OvsdbException("the switch at " + server + " failed: " + e.getMessage(), e);
        }
    }

    /** An OpenFlow 1.0 message of {@code type} with a body of {@code bodyLength} zero bytes. */
    static byte[] message(byte type, int xid, int bodyLength) {
        ByteBuffer message = ByteBuffer.allocate(8 + bodyLength);
        message.put(VERSION).put(type).putShort((short) (8 + bodyLength)).putInt(xid);
        return message.array();
    }

    private void send(byte[] message) {
        try {
            out.write(message);
            out.flush();
        } catch (IOException e) {
            throw new OvsdbException("the switch at " + server + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        SwitchSocket.close(socket);
    }
}
