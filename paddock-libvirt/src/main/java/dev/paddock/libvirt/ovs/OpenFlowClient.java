package dev.paddock.libvirt.ovs;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A small OpenFlow 1.0 client of an Open vSwitch switch's service listener ({@code set-controller BRIDGE
 * ptcp:6653:ADDRESS}, a passive connection, which leaves the switch's fail mode alone): hello, flow changes, barriers,
 * echoes answered, errors named. One caller at a time.
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
    static final byte BARRIER_REQUEST = 18;
    static final byte BARRIER_REPLY = 19;
    static final short ADD = 0;
    static final short DELETE_STRICT = 4;
    /** Every match field wildcarded (OFPFW_ALL) but the Ethernet type (OFPFW_DL_TYPE, bit 4). */
    static final int WILDCARD_ALL_BUT_ETHERTYPE = ((1 << 22) - 1) & ~(1 << 4);
    /** IEEE 802 local experimental Ethertype 1: no guest protocol uses it. */
    static final short LOCAL_EXPERIMENTAL = (short) 0x88b5;
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
        ByteBuffer message = ByteBuffer.wrap(message(FLOW_MOD, xid, 64));
        message.position(8);
        message.putInt(WILDCARD_ALL_BUT_ETHERTYPE);
        message.position(8 + 22);
        message.putShort(LOCAL_EXPERIMENTAL);
        message.position(8 + 40);
        message.putLong(COOKIE);
        message.putShort(command);
        message.putShort((short) 0);
        message.putShort((short) 0);
        message.putShort((short) 1);
        message.putInt(-1);
        message.putShort((short) 0xffff);
        message.putShort((short) 0);
        return message.array();
    }

    /** Sends a barrier and reads until its reply: every change before it is done. */
    private void barrier() {
        int xid = nextXid++;
        send(message(BARRIER_REQUEST, xid, 0));
        try {
            while (true) {
                byte version = in.readByte();
                byte type = in.readByte();
                int length = in.readUnsignedShort();
                int replyXid = in.readInt();
                byte[] body = new byte[Math.max(0, length - 8)];
                in.readFully(body);
                switch (type) {
                    case BARRIER_REPLY -> {
                        if (replyXid == xid) {
                            return;
                        }
                    }
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
            throw new OvsdbException("the switch at " + server + " did not confirm its flow change in time", e);
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
