package dev.paddock.libvirt.ovs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A client of an Open vSwitch database server (the OVSDB management protocol, RFC 7047: JSON-RPC 1.0 over a stream),
 * as a host's {@code ovsdb-server} serves it on a TCP port ({@code --remote=ptcp:6640:ADDRESS}). It asks one thing at
 * a time: {@link #transact} sends one transaction, answers the server's echoes while it waits, and gives back the
 * transaction's results, or throws with the server's own sentence when the transaction or one of its operations
 * failed. Not thread-safe: one caller at a time.
 */
public final class OvsdbClient implements AutoCloseable {

    /** The database of an Open vSwitch switch. */
    public static final String OPEN_VSWITCH = "Open_vSwitch";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(JsonParser.Feature.AUTO_CLOSE_SOURCE, false);

    private final String server;
    private final Socket socket;
    private final OutputStream out;
    private final JsonParser in;
    private long nextId = 1;

    private OvsdbClient(String server, Socket socket) throws IOException {
        this.server = server;
        this.socket = socket;
        this.out = socket.getOutputStream();
        InputStream stream = socket.getInputStream();
        // the server's messages follow one another with nothing between them: one JSON value after another, read
        // only when one is awaited (the server says nothing until asked, but for its echoes)
        // (RFC 7047 says UTF-8: read as such, a parser does not wait for bytes to guess the encoding from)
        this.in = JSON.getFactory().createParser(new InputStreamReader(stream, StandardCharsets.UTF_8));
    }

    /**
     * Connects to {@code host:port}; every later wait for an answer ends after {@code timeout}.
     *
     * @throws OvsdbException when nothing answers there
     */
    public static OvsdbClient connect(String host, int port, Duration timeout) {
        Socket socket = SwitchSocket.open(host, port, timeout, "the switch database");
        try {
            return new OvsdbClient(host + ":" + port, socket);
        } catch (IOException e) {
            SwitchSocket.close(socket);
            throw new OvsdbException("cannot read from the switch database at " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
    }

    /** The databases the server holds. */
    public List<String> databases() {
        JsonNode result = call("list_dbs", JSON.createArrayNode());
        List<String> names = new ArrayList<>();
        result.forEach(name -> names.add(name.asText()));
        return names;
    }

    /**
     * Runs {@code operations} on database {@code database} as one transaction (all or nothing) and answers one result
     * per operation.
     *
     * @throws OvsdbException with the server's words when the transaction fails, naming the operation that did
     */
    public List<JsonNode> transact(String database, List<ObjectNode> operations) {
        ArrayNode params = JSON.createArrayNode().add(database);
        operations.forEach(params::add);
        JsonNode result = call("transact", params);
        List<JsonNode> results = new ArrayList<>();
        result.forEach(results::add);
        for (int i = 0; i < results.size(); i++) {
            JsonNode one = results.get(i);
            if (one != null && one.hasNonNull("error")) {
                String which = i < operations.size() ? operations.get(i).path("op").asText() + " on "
                        + operations.get(i).path("table").asText("") : "the transaction";
                throw new OvsdbException("the switch database at " + server + " refused " + which.strip() + ": "
                        + one.get("error").asText() + (one.hasNonNull("details") ? " (" + one.get("details").asText()
                        + ")" : ""));
            }
        }
        return results;
    }

    private JsonNode call(String method, ArrayNode params) {
        long id = nextId++;
        ObjectNode request = JSON.createObjectNode().put("method", method).put("id", id);
        request.set("params", params);
        try {
            out.write(JSON.writeValueAsBytes(request));
            out.flush();
            while (true) {
                if (in.nextToken() != JsonToken.START_OBJECT) {
                    throw new OvsdbException("the switch database at " + server + " closed the connection");
                }
                JsonNode message = JSON.readTree(in);
                if (message.path("method").asText().equals("echo")) {
                    ObjectNode echo = JSON.createObjectNode();
                    echo.set("result", message.path("params"));
                    echo.putNull("error");
                    echo.set("id", message.path("id"));
                    out.write(JSON.writeValueAsBytes(echo));
                    out.flush();
                    continue;
                }
                if (!message.has("id") || message.get("id").asLong(-1) != id) {
                    // an update or a notification: this client subscribes to nothing, so it has no use for it
                    continue;
                }
                if (message.hasNonNull("error")) {
                    throw new OvsdbException("the switch database at " + server + " refused " + method + ": "
                            + message.get("error").toString());
                }
                return message.path("result");
            }
        } catch (SocketTimeoutException e) {
            throw new OvsdbException("the switch database at " + server + " did not answer " + method + " in time", e);
        } catch (IOException e) {
            throw new OvsdbException("the switch database at " + server + " failed " + method + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        SwitchSocket.close(socket);
    }
}
