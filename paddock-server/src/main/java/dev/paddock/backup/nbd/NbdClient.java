package dev.paddock.backup.nbd;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A client of one NBD export (the protocol of doc/proto.md in the NetworkBlockDevice project), enough to read a disk
 * that libvirt exports for a pull-mode backup: the fixed newstyle handshake, structured replies, metadata contexts
 * ({@code base:allocation}, {@code qemu:dirty-bitmap:NAME}), {@code NBD_OPT_GO} with the block size constraints, then
 * reads and block status queries, one request in flight at a time. Over TCP it may upgrade to TLS first
 * (NBD_OPT_STARTTLS), trusting one X.509 CA, checking the server's name, and presenting a client certificate when
 * the server verifies its peers ({@link NbdTls}).
 *
 * <p>Requests are sequential on purpose: a backup reads a disk in order and writes each chunk into the repository
 * before the next, so pipelining would buy little until the repository writes in parallel. Every refusal by the
 * server is an {@link NbdException} with a sentence; a connection that breaks is a plain {@link IOException}.
 */
public final class NbdClient implements AutoCloseable {

    /** {@code base:allocation}: bit 0 a hole (unallocated), bit 1 reads as zeros. */
    public static final String BASE_ALLOCATION = "base:allocation";
    /**
     * The largest read asked at once, whatever the server allows: QEMU's NBD server answered reads of 4 MiB of a
     * sparse qcow2 image several times slower, byte for byte, than reads of 1 MiB.
     */
    private static final int LARGEST_READ = 1 << 20;
    public static final int STATE_HOLE = 1;
    public static final int STATE_ZERO = 2;
    /** {@code qemu:dirty-bitmap:NAME}: bit 0 set where the bitmap marks the block dirty. */
    public static final int STATE_DIRTY = 1;

    private static final long NBDMAGIC = 0x4e42444d41474943L;
    private static final long IHAVEOPT = 0x49484156454f5054L;
    private static final long OLDSTYLE_MAGIC = 0x00420281861253L;
    private static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
    private static final int REQUEST_MAGIC = 0x25609513;
    private static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    private static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

    private static final int FLAG_FIXED_NEWSTYLE = 1;
    private static final int FLAG_NO_ZEROES = 2;

    private static final int OPT_STARTTLS = 5;
    private static final int OPT_GO = 7;
    private static final int OPT_STRUCTURED_REPLY = 8;
    private static final int OPT_SET_META_CONTEXT = 10;

    private static final int REP_ACK = 1;
    private static final int REP_INFO = 3;
    private static final int REP_META_CONTEXT = 4;

    private static final int INFO_EXPORT = 0;
    private static final int INFO_BLOCK_SIZE = 3;

    private static final int CMD_READ = 0;
    private static final int CMD_DISC = 2;
    private static final int CMD_BLOCK_STATUS = 7;

    private static final int REPLY_FLAG_DONE = 1;
    private static final int CHUNK_NONE = 0;
    private static final int CHUNK_OFFSET_DATA = 1;
    private static final int CHUNK_OFFSET_HOLE = 2;
    private static final int CHUNK_BLOCK_STATUS = 5;
    private static final int CHUNK_ERROR = 0x8001;
    private static final int CHUNK_ERROR_OFFSET = 0x8002;

    /** Without NBD_INFO_BLOCK_SIZE the protocol lets a client assume 32 MiB may be read at once. */
    private static final int DEFAULT_MAXIMUM_BLOCK = 32 << 20;

    private Closeable connection;
    private DataInputStream in;
    private DataOutputStream out;
    private final String server;
    private Export export;
    private final Map<String, Integer> contexts = new LinkedHashMap<>();
    private long cookie;
    private long received;
    private boolean tlsWithoutCertificate;
    private boolean open = true;

    /**
     * What an NBD export is (its size, transmission flags, and block size constraints: the minimum every request is
     * aligned to, the preferred, and the most one read may ask for).
     */
    public record Export(String name, long size, int flags, int minimumBlock, int preferredBlock, int maximumBlock) {

        public boolean readOnly() {
            return (flags & 2) != 0;
        }
    }

    /** {@code length} bytes from {@code offset} share the status {@code flags} in one metadata context. */
    public record Status(long offset, long length, int flags) {

        public long end() {
            return offset + length;
        }
    }

    private NbdClient(Closeable connection, InputStream input, OutputStream output, String server) {
        this.connection = connection;
        this.server = server;
        this.in = new DataInputStream(new BufferedInputStream(input, 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(output, 1 << 16));
    }

    /**
     * Connects to {@code address} (TCP, or a UNIX socket with {@link java.net.UnixDomainSocketAddress}), negotiates
     * the given metadata contexts and opens export {@code exportName}. Every context asked for must be offered.
     *
     * @throws NbdException when the server is no fixed newstyle NBD server, refuses the export, or does not offer
     *                      a context
     */
    public static NbdClient connect(SocketAddress address, String exportName, List<String> metaContexts)
            throws IOException {
        return connect(address, exportName, metaContexts, Optional.empty());
    }

    /** As {@link #connect(SocketAddress, String, List)}, upgrading a TCP connection to TLS first when asked. */
    public static NbdClient connect(SocketAddress address, String exportName, List<String> metaContexts,
                                    Optional<NbdTls> tls) throws IOException {
        String server = "NBD server " + address;
        NbdClient client;
        if (address instanceof InetSocketAddress) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(address, 30_000);
            } catch (IOException e) {
                socket.close();
                throw new IOException("cannot connect to " + server + ": " + e.getMessage(), e);
            }
            client = new NbdClient(socket, socket.getInputStream(), socket.getOutputStream(), server);
        } else {
            if (tls.isPresent()) {
                throw new IllegalArgumentException("TLS to an NBD server is for TCP connections, not " + address);
            }
            SocketChannel channel;
            try {
                channel = SocketChannel.open(address);
            } catch (IOException e) {
                throw new IOException("cannot connect to " + server + ": " + e.getMessage(), e);
            }
            client = new NbdClient(channel, Channels.newInputStream(channel), Channels.newOutputStream(channel),
                    server);
        }
        try {
            client.handshake(exportName, metaContexts, tls);
            return client;
        } catch (IOException | RuntimeException e) {
            client.connection.close();
            throw e;
        }
    }

    public Export export() {
        return export;
    }

    /** The metadata contexts the server agreed to, by name, with the ids its replies use. */
    public Map<String, Integer> contexts() {
        return Map.copyOf(contexts);
    }

    /** The bytes of disk data the server has sent so far (holes it reported as such are not counted). */
    public synchronized long bytesReceived() {
        return received;
    }

    public boolean hasContext(String name) {
        return contexts.containsKey(name);
    }

    private void handshake(String exportName, List<String> metaContexts, Optional<NbdTls> tls) throws IOException {
        if (in.readLong() != NBDMAGIC) {
            throw new NbdException(server + " is not an NBD server: its greeting lacks NBDMAGIC");
        }
        long style = in.readLong();
        if (style == OLDSTYLE_MAGIC) {
            throw new NbdException(server + " speaks only the oldstyle NBD handshake, which names no export");
        }
        if (style != IHAVEOPT) {
            throw new NbdException(server + " greets with an unknown handshake (" + Long.toHexString(style) + ")");
        }
        int flags = in.readUnsignedShort();
        if ((flags & FLAG_FIXED_NEWSTYLE) == 0) {
            throw new NbdException(server + " does not speak the fixed newstyle NBD handshake");
        }
        out.writeInt(FLAG_FIXED_NEWSTYLE | (flags & FLAG_NO_ZEROES));
        if (tls.isPresent()) {
            startTls(tls.get(), exportName);
        }
        negotiateStructuredReplies(!metaContexts.isEmpty(), exportName);
        if (!metaContexts.isEmpty()) {
            setMetaContexts(exportName, metaContexts);
        }
        go(exportName);
    }

    /** NBD_OPT_STARTTLS, then the TLS handshake on the same connection; every later byte is encrypted. */
    private void startTls(NbdTls tls, String exportName) throws IOException {
        sendOption(OPT_STARTTLS, new byte[0]);
        OptionReply reply = readOptionReply(OPT_STARTTLS);
        if (reply.type != REP_ACK) {
            throw refusal(reply, "TLS (NBD_OPT_STARTTLS) for export '" + exportName + "'");
        }
        Socket plain = (Socket) connection;
        SSLSocket secure = (SSLSocket) tls.context().getSocketFactory()
                .createSocket(plain, tls.serverName(), plain.getPort(), true);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        secure.setSSLParameters(parameters);
        try {
            secure.startHandshake();
        } catch (SSLException e) {
            throw new NbdException("the TLS handshake with " + server + " failed (its certificate must be signed by"
                    + " the CA given and name " + tls.serverName() + "): " + e.getMessage());
        }
        connection = secure;
        tlsWithoutCertificate = secure.getSession().getLocalCertificates() == null;
        in = new DataInputStream(new BufferedInputStream(secure.getInputStream(), 1 << 16));
        out = new DataOutputStream(new BufferedOutputStream(secure.getOutputStream(), 1 << 16));
    }

    /** Structured replies let reads skip holes; only block status queries cannot do without them. */
    private void negotiateStructuredReplies(boolean required, String exportName) throws IOException {
        sendOption(OPT_STRUCTURED_REPLY, new byte[0]);
        OptionReply reply = readOptionReply(OPT_STRUCTURED_REPLY);
        if (reply.type == REP_ACK || (reply.isError() && !required)) {
            return;
        }
        throw refusal(reply, "structured replies, which block status queries need, for export '" + exportName + "'");
    }

    private void setMetaContexts(String exportName, List<String> queries) throws IOException {
        byte[] name = utf8(exportName);
        int length = 4 + name.length + 4 + queries.stream().mapToInt(query -> 4 + utf8(query).length).sum();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(length);
        DataOutputStream data = new DataOutputStream(bytes);
        data.writeInt(name.length);
        data.write(name);
        data.writeInt(queries.size());
        for (String query : queries) {
            data.writeInt(utf8(query).length);
            data.write(utf8(query));
        }
        sendOption(OPT_SET_META_CONTEXT, bytes.toByteArray());
        while (true) {
            OptionReply reply = readOptionReply(OPT_SET_META_CONTEXT);
            if (reply.type == REP_ACK) {
                break;
            }
            if (reply.type != REP_META_CONTEXT || reply.data.length < 4) {
                throw refusal(reply, "metadata contexts " + queries + " for export '" + exportName + "'");
            }
            int id = ByteBuffer.wrap(reply.data).getInt();
            contexts.put(new String(reply.data, 4, reply.data.length - 4, StandardCharsets.UTF_8), id);
        }
        for (String query : queries) {
            if (!contexts.containsKey(query)) {
                throw new NbdException(server + " does not offer metadata context '" + query + "' for export '"
                        + exportName + "'" + (query.startsWith("qemu:dirty-bitmap:")
                        ? ": the export has no such dirty bitmap" : "") + " (it offered " + contexts.keySet() + ")");
            }
        }
    }

    private void go(String exportName) throws IOException {
        byte[] name = utf8(exportName);
        ByteBuffer data = ByteBuffer.allocate(4 + name.length + 2 + 2);
        data.putInt(name.length).put(name).putShort((short) 1).putShort((short) INFO_BLOCK_SIZE);
        sendOption(OPT_GO, data.array());
        long size = -1;
        int flags = 0;
        int minimum = 1;
        int preferred = 4096;
        int maximum = DEFAULT_MAXIMUM_BLOCK;
        while (true) {
            OptionReply reply = readOptionReply(OPT_GO);
            if (reply.type == REP_ACK) {
                break;
            }
            if (reply.type != REP_INFO || reply.data.length < 2) {
                throw refusal(reply, "export '" + exportName + "'");
            }
            ByteBuffer info = ByteBuffer.wrap(reply.data);
            int type = info.getShort() & 0xffff;
            if (type == INFO_EXPORT && info.remaining() >= 10) {
                size = info.getLong();
                flags = info.getShort() & 0xffff;
            } else if (type == INFO_BLOCK_SIZE && info.remaining() >= 12) {
                minimum = info.getInt();
                preferred = info.getInt();
                maximum = info.getInt();
            }
        }
        if (size < 0) {
            throw new NbdException(server + " opened export '" + exportName + "' without saying its size");
        }
        // a maximum past what one Java array holds is as good as the largest aligned one that fits
        int largest = Integer.toUnsignedLong(maximum) > Integer.MAX_VALUE ? Integer.MAX_VALUE & ~(minimum - 1) : maximum;
        export = new Export(exportName, size, flags, minimum, preferred, largest);
    }

    /**
     * Reads {@code length} bytes of the export from {@code offset} into {@code into[at, at + length)}, in requests no
     * larger than the server's maximum block size; holes the server reports come back as zeros.
     */
    public synchronized void read(long offset, byte[] into, int at, int length) throws IOException {
        requireOpen();
        if (offset < 0 || length < 0 || offset + length > export.size()) {
            throw new IllegalArgumentException("a read of " + length + " bytes at offset " + offset
                    + " does not fit export '" + export.name() + "' of " + export.size() + " bytes");
        }
        int done = 0;
        while (done < length) {
            int piece = Math.min(length - done, Math.min(export.maximumBlock(), LARGEST_READ));
            readPiece(offset + done, into, at + done, piece);
            done += piece;
        }
    }

    private void readPiece(long offset, byte[] into, int at, int length) throws IOException {
        long sent = sendCommand(CMD_READ, 0, offset, length);
        int magic = in.readInt();
        if (magic == SIMPLE_REPLY_MAGIC) {
            int error = in.readInt();
            expectCookie(in.readLong(), sent);
            if (error != 0) {
                throw commandError("a read of " + length + " bytes at offset " + offset, error, "");
            }
            in.readFully(into, at, length);
            received += length;
            return;
        }
        long covered = 0;
        Optional<NbdException> failure = Optional.empty();
        while (true) {
            expectMagic(magic);
            ChunkHeader chunk = readChunkHeader(sent);
            switch (chunk.type) {
                case CHUNK_OFFSET_DATA -> {
                    long from = in.readLong();
                    int bytes = chunk.length - 8;
                    checkInside(from, bytes, offset, length);
                    in.readFully(into, at + (int) (from - offset), bytes);
                    covered += bytes;
                    received += bytes;
                }
                case CHUNK_OFFSET_HOLE -> {
                    long from = in.readLong();
                    int bytes = in.readInt();
                    checkInside(from, bytes, offset, length);
                    Arrays.fill(into, at + (int) (from - offset), at + (int) (from - offset) + bytes, (byte) 0);
                    covered += bytes;
                }
                case CHUNK_ERROR, CHUNK_ERROR_OFFSET -> failure = Optional.of(readErrorChunk(chunk,
                        "a read of " + length + " bytes at offset " + offset));
                default -> skipChunk(chunk);
            }
            if ((chunk.flags & REPLY_FLAG_DONE) != 0) {
                break;
            }
            magic = in.readInt();
        }
        if (failure.isPresent()) {
            throw failure.get();
        }
        if (covered != length) {
            throw new NbdException(server + " answered a read of " + length + " bytes at offset " + offset
                    + " with " + covered + " bytes");
        }
    }

    private static void checkInside(long from, int bytes, long offset, int length) throws NbdException {
        if (bytes < 0 || from < offset || from + bytes > offset + length) {
            throw new NbdException("an NBD server answered a read of " + length + " bytes at offset " + offset
                    + " with " + bytes + " bytes at offset " + from + ", outside the request");
        }
    }

    /**
     * The status of {@code [offset, offset + length)} in metadata context {@code context}, extent by extent, in
     * offset order and covering the range exactly: the range is walked in as many requests as the server needs.
     */
    public synchronized List<Status> blockStatus(String context, long offset, long length) throws IOException {
        requireOpen();
        Integer id = contexts.get(context);
        if (id == null) {
            throw new IllegalArgumentException("metadata context '" + context + "' was not negotiated with "
                    + server + " (negotiated: " + contexts.keySet() + ")");
        }
        long end = offset + length;
        if (offset < 0 || length < 0 || end > export.size()) {
            throw new IllegalArgumentException("a block status query of " + length + " bytes at offset " + offset
                    + " does not fit export '" + export.name() + "' of " + export.size() + " bytes");
        }
        // Block status carries no payload, so any 32-bit length is allowed; stay aligned to the minimum block.
        long largest = 0xffffffffL & ~((long) export.minimumBlock() - 1);
        List<Status> statuses = new ArrayList<>();
        long at = offset;
        while (at < end) {
            long asked = Math.min(end - at, largest);
            List<Status> answer = blockStatusOnce(id, context, at, asked);
            for (Status status : answer) {
                long clipped = Math.min(status.end(), end) - status.offset();
                if (clipped > 0) {
                    merge(statuses, new Status(status.offset(), clipped, status.flags()));
                }
            }
            long reached = answer.isEmpty() ? at : answer.getLast().end();
            if (reached <= at) {
                throw new NbdException(server + " answered a block status query at offset " + at + " in context '"
                        + context + "' with no extent");
            }
            at = reached;
        }
        return statuses;
    }

    private static void merge(List<Status> statuses, Status next) {
        if (!statuses.isEmpty()) {
            Status last = statuses.getLast();
            if (last.flags() == next.flags() && last.end() == next.offset()) {
                statuses.set(statuses.size() - 1, new Status(last.offset(), last.length() + next.length(),
                        last.flags()));
                return;
            }
        }
        statuses.add(next);
    }

    private List<Status> blockStatusOnce(int id, String context, long offset, long length) throws IOException {
        long sent = sendCommand(CMD_BLOCK_STATUS, 0, offset, (int) length);
        String what = "a block status query of " + length + " bytes at offset " + offset + " in context '"
                + context + "'";
        List<Status> statuses = new ArrayList<>();
        Optional<NbdException> failure = Optional.empty();
        boolean more = true;
        while (more) {
            int magic = in.readInt();
            if (magic == SIMPLE_REPLY_MAGIC) {
                int error = in.readInt();
                expectCookie(in.readLong(), sent);
                throw commandError(what, error, "");
            }
            expectMagic(magic);
            ChunkHeader chunk = readChunkHeader(sent);
            more = (chunk.flags & REPLY_FLAG_DONE) == 0;
            switch (chunk.type) {
                case CHUNK_BLOCK_STATUS -> {
                    int replyContext = in.readInt();
                    int descriptors = (chunk.length - 4) / 8;
                    long at = offset;
                    for (int i = 0; i < descriptors; i++) {
                        long bytes = in.readInt() & 0xffffffffL;
                        int flags = in.readInt();
                        if (replyContext == id) {
                            statuses.add(new Status(at, bytes, flags));
                        }
                        at += bytes;
                    }
                    in.skipNBytes(chunk.length - 4 - 8L * descriptors);
                }
                case CHUNK_ERROR, CHUNK_ERROR_OFFSET -> failure = Optional.of(readErrorChunk(chunk, what));
                default -> skipChunk(chunk);
            }
        }
        if (failure.isPresent()) {
            throw failure.get();
        }
        return statuses;
    }

    /** Ends the session politely (NBD_CMD_DISC) and closes the connection; safe to call twice. */
    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        try {
            sendCommand(CMD_DISC, 0, 0, 0);
        } catch (IOException e) {
            // the server may be gone already: closing is all that is left to do
        } finally {
            try {
                connection.close();
            } catch (IOException e) {
                // nothing to release beyond the descriptor, which close gives back even when it reports a failure
            }
        }
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("the connection to " + server + " is closed");
        }
    }

    private long sendCommand(int type, int flags, long offset, int length) throws IOException {
        long sent = ++cookie;
        out.writeInt(REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(sent);
        out.writeLong(offset);
        out.writeInt(length);
        out.flush();
        return sent;
    }

    private record ChunkHeader(int flags, int type, int length) {}

    private ChunkHeader readChunkHeader(long sent) throws IOException {
        int flags = in.readUnsignedShort();
        int type = in.readUnsignedShort();
        expectCookie(in.readLong(), sent);
        int length = in.readInt();
        if (length < 0) {
            throw new NbdException(server + " sent a reply chunk of " + Integer.toUnsignedString(length) + " bytes");
        }
        return new ChunkHeader(flags, type, length);
    }

    private NbdException readErrorChunk(ChunkHeader chunk, String what) throws IOException {
        int error = in.readInt();
        int messageLength = in.readUnsignedShort();
        String message = new String(in.readNBytes(messageLength), StandardCharsets.UTF_8);
        in.skipNBytes(chunk.length - 6L - messageLength);
        return commandError(what, error, message);
    }

    private void skipChunk(ChunkHeader chunk) throws IOException {
        if ((chunk.type & 0x8000) != 0) {
            throw new NbdException(server + " answered with unknown error chunk type " + chunk.type);
        }
        in.skipNBytes(chunk.length);
    }

    private NbdException commandError(String what, int error, String message) {
        return new NbdException(server + " refused " + what + " of export '" + export.name() + "': "
                + NbdException.errorName(error) + (message.isEmpty() ? "" : ": " + message));
    }

    private void expectMagic(int magic) throws NbdException {
        if (magic != STRUCTURED_REPLY_MAGIC) {
            throw new NbdException(server + " answered with an unknown reply magic " + Integer.toHexString(magic));
        }
    }

    private void expectCookie(long got, long sent) throws NbdException {
        if (got != sent) {
            throw new NbdException(server + " answered request " + got + " while request " + sent + " was waiting");
        }
    }

    private record OptionReply(int option, int type, byte[] data) {
        boolean isError() {
            return (type & 0x80000000) != 0;
        }
    }

    private void sendOption(int option, byte[] data) throws IOException {
        out.writeLong(IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    private OptionReply readOptionReply(int option) throws IOException {
        try {
            if (in.readLong() != OPTION_REPLY_MAGIC) {
                throw new NbdException(server + " answered option " + option + " without the option reply magic");
            }
            int answered = in.readInt();
            int type = in.readInt();
            int length = in.readInt();
            if (length < 0 || length > (1 << 20)) {
                throw new NbdException(server + " answered option " + option + " with " + length + " bytes");
            }
            byte[] data = in.readNBytes(length);
            if (data.length < length) {
                throw new EOFException(server + " closed the connection in the middle of a reply");
            }
            if (answered != option) {
                throw new NbdException(server + " answered option " + answered + " when asked option " + option);
            }
            return new OptionReply(answered, type, data);
        } catch (EOFException | SSLException e) {
            // a server that verifies TLS clients ends the session at its first reply when none was presented
            throw new NbdException(server + " closed the connection during the handshake" + (tlsWithoutCertificate
                    ? " after TLS began: it may require a client certificate, and no client certificate was presented"
                    : "") + (e instanceof SSLException ? " (" + e.getMessage() + ")" : ""));
        }
    }

    private NbdException refusal(OptionReply reply, String what) {
        String message = reply.isError() && reply.data.length > 0
                ? ": " + new String(reply.data, StandardCharsets.UTF_8) : "";
        String reason = reply.isError() ? NbdException.replyErrorName(reply.type)
                : "an unexpected reply of type " + reply.type;
        return new NbdException(server + " refused " + what + ": " + reason + message);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
