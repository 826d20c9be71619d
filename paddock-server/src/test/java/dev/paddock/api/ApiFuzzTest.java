package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.security.Accounts;
import dev.paddock.security.Grant;
import dev.paddock.security.Permission;
import dev.paddock.security.Role;
import dev.paddock.security.Scope;
import dev.paddock.security.User;
import io.javalin.router.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thousands of generated requests on every route the server holds (listed from Javalin, as
 * {@link RouteSecurityTest} does), against a room with VMs, networks, datastores, an image, a template, users,
 * roles, grants, tokens and a fence device. The requests come from one seed ({@code -Dpaddock.fuzz.seed=N} repeats
 * another run); a failure names it.
 *
 * <p>Three shares, in this order:
 * <ol>
 * <li>refused: every route with no credentials, forged ones (made-up bearer tokens, bad Basic, a made-up session
 * cookie, a real session cookie without its CSRF token) or a real token whose role lacks the route's permission,
 * with any body; WebSocket upgrades likewise;</li>
 * <li>malformed: as the administrator, bodies that are not the JSON a route reads, wrong content types, odd ids in
 * path parameters (traversal, NUL, quotes, very long), bad query strings;</li>
 * <li>authorised: as the administrator, bodies built from the route's request schema in the OpenAPI document with
 * the room's ids and names, a field now and then missing, extra, of the wrong type, huge, negative, zero, or full
 * of unicode and control characters.</li>
 * </ol>
 * Every answer is under 500, and every 4xx is problem+json with a sentence. The store (every table of the embedded
 * H2 database, row by row) is dumped before and after each request: the first two shares must leave it exactly as it
 * was, and in the third every change must come with a 2xx answer (an accepted operation is followed to its end
 * before the store is read again). Nothing is excluded from the comparison: login throttling is kept in memory, a
 * token's use is not recorded, and a refused request writes no audit entry, so a refused request leaves every row
 * as it was.
 */
class ApiFuzzTest {

    private static final long SEED = Long.getLong("paddock.fuzz.seed", 20261206L);
    private static final int REFUSED = 4_000;
    private static final int MALFORMED = 3_000;
    private static final int AUTHORISED = 3_000;
    private static final int UPGRADES = 200;
    private static final String PASSWORD = "a long enough password";
    /** Bodies larger than this go over a plain socket (see {@link #send}). */
    private static final int LARGE = 512 * 1024;

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    static TestServer server;

    /** Per permission, a token whose role has every permission but it. */
    private static final Map<Permission, String> ALL_BUT = new EnumMap<>(Permission.class);
    /** Objects the fuzz must leave alone so that its own credentials keep working: the administrator's. */
    private static final List<String> KEPT = new ArrayList<>();
    private static String sessionCookie;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> faults = new TreeMap<>();
    /** Per route, the kinds of request sent and the statuses they got ("forged:401"). */
    private final Map<String, Set<String>> statuses = new TreeMap<>();
    private final List<String> unexplained = new ArrayList<>();
    private final Map<String, List<String>> ids = new TreeMap<>();
    private final List<String> words = new ArrayList<>();
    private int sent;
    private long dumping;
    private long settling;

    @BeforeAll
    static void room() throws Exception {
        server.createVm("web-1", 1, 512);
        server.createVm("web-2", 2, 1024);
        server.createVm("db-1", 1, 256);
        expect(201, server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"lan\",\"vlan\":10}"));
        expect(201, server.post("/api/v1/datastores", "{\"siteId\":\"site-1\",\"name\":\"old\",\"capacityGib\":10}"));
        server.hypervisor.addStorage(PoolType.NETFS, PoolSource.nfs("nas", "/export/vms"), 40L << 30);
        String datastore = server.awaitFinal(server.post("/api/v1/datastores", "{\"name\":\"vms\",\"type\":\"netfs\","
                + "\"source\":{\"host\":\"nas\",\"path\":\"/export/vms\"},\"hosts\":[\"h1\",\"h2\"]}"))
                .get("target").asText();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                server.get("/api/v1/datastores/" + datastore).json().get("hostIds").size() == 2);
        byte[] image = qcow2();
        expect(201, server.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/datastores/" + datastore
                        + "/images?name=base&sha256=" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(image)))).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image))));
        expect(201, server.post("/api/v1/templates", "{\"name\":\"tiny\",\"image\":\"base\",\"vcpus\":1,"
                + "\"memoryMib\":128}"));
        expect(200, server.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/hosts/host-1/fence"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"agent\":\"fence_ipmilan\",\"options\":{\"ip\":\"10.0.0.11\",\"password\":\"bmc\"}}"))));
        expect(201, server.post("/api/v1/roles", "{\"name\":\"viewer\",\"permissions\":[\"vm.read\",\"host.read\"]}"));
        for (String name : List.of("alice", "bob")) {
            expect(201, server.post("/api/v1/users", "{\"name\":\"" + name + "\",\"password\":\"" + PASSWORD
                    + "\"}"));
        }
        expect(201, server.post("/api/v1/grants", "{\"user\":\"alice\",\"role\":\"viewer\"}"));
        expect(201, server.post("/api/v1/grants", "{\"user\":\"bob\",\"role\":\"operator\",\"clusterId\":"
                + "\"cluster-1\"}"));
        expect(201, server.post("/api/v1/tokens", "{\"name\":\"ci\",\"role\":\"operator\",\"expiresInDays\":30}"));

        Accounts accounts = server.server.parts().accounts();
        for (Permission permission : Permission.values()) {
            String role = "all-but-" + permission.key().replace('.', '-');
            ALL_BUT.put(permission, token(accounts, role, EnumSet.complementOf(EnumSet.of(permission))));
        }
        User admin = accounts.identities().userNamed(Accounts.FIRST_USER).orElseThrow();
        KEPT.add(admin.id());
        KEPT.add(Role.ADMINISTRATOR.name());
        server.get("/api/v1/tokens").json().path("items").forEach(token -> KEPT.add(token.path("id").asText()));
        server.get("/api/v1/grants").json().path("items").forEach(grant -> {
            if (grant.path("subject").asText().equals(Accounts.FIRST_USER)) {
                KEPT.add(grant.path("id").asText());
            }
        });
        HttpResponse<String> signIn = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        server.url().resolve("/api/v1/session")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"bob\",\"password\":\"" + PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(201);
        String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        sessionCookie = setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static String token(Accounts accounts, String roleName, Set<Permission> permissions) {
        accounts.identities().put(new Role(roleName, permissions, false));
        User user = new User(Accounts.newId(), roleName, accounts.hash(PASSWORD), false, Set.of(), Instant.now());
        accounts.identities().put(user);
        accounts.identities().put(new Grant(Accounts.newId(), Grant.SubjectKind.USER, user.name(), roleName,
                Scope.ROOM));
        return accounts.issueToken(user, "fuzz", Role.ADMINISTRATOR, Duration.ofDays(1)).secret();
    }

    @Test
    void tenThousandRequestsAcrossEveryRouteAnswerNo5xxAndChangeOnlyWhatAnAuthorisedRequestChanged() throws Exception {
        List<Endpoint> endpoints = server.server.endpoints();
        List<String> upgrades = server.server.routes().stream()
                .filter(route -> endpoints.stream().noneMatch(e -> route.equals(e.method.name() + " " + e.path)))
                .toList();
        assertThat(upgrades).as("WebSocket routes").isNotEmpty();
        JsonNode document;
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
            document = Json.mapper().readTree(in);
        }
        refreshRoom();
        FuzzRequests fuzz = new FuzzRequests(SEED, document, new FuzzRequests.Room() {
            @Override
            public List<String> ids(String collection) {
                return ids.getOrDefault(collection, List.of());
            }

            @Override
            public List<String> words() {
                return words;
            }
        });

        StoreDump start = StoreDump.of(server.dataSource());
        refusedAndMalformed(fuzz, endpoints, start);
        upgrades(fuzz, upgrades);
        List<String> refusedChanges = start.changesTo(StoreDump.of(server.dataSource()));
        authorised(fuzz, endpoints);

        String seed = "seed " + SEED + " (-Dpaddock.fuzz.seed=" + SEED + " repeats it), " + sent + " requests";
        System.out.println("ApiFuzzTest: " + seed + ", " + dumping / 1_000_000 + " ms reading the store, "
                + settling / 1_000_000 + " ms waiting for changes to settle; answers per"
                + " route: " + statuses);
        org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(sent).as(seed).isGreaterThanOrEqualTo(10_000);
            soft.assertThat(statuses.keySet()).as(seed + ": routes reached").hasSize(endpoints.size() + upgrades.size());
            soft.assertThat(faults.entrySet().stream().map(fault -> fault.getKey() + "\n    after " + fault.getValue())
                    .toList()).as(seed + ": routes, statuses and sentences that are faults, each after a request"
                    + " that caused it").isEmpty();
            soft.assertThat(refusedChanges).as(seed + ": the store after the refused and malformed shares")
                    .isEmpty();
            soft.assertThat(unexplained).as(seed + ": store changes no 2xx answer explains").isEmpty();
        });
    }

    /** The refused share, then the malformed one, each route in turn; no request may change the store. */
    private void refusedAndMalformed(FuzzRequests fuzz, List<Endpoint> endpoints, StoreDump start) {
        StoreDump before = start;
        for (int i = 0; i < REFUSED + MALFORMED; i++) {
            Endpoint endpoint = endpoints.get(i % endpoints.size());
            String route = endpoint.method.name() + " " + endpoint.path;
            FuzzRequests.Request request = i < REFUSED ? refused(fuzz, endpoint, route) : malformed(fuzz, route);
            Answer answer = send(request);
            judge(request, answer);
            if (i < REFUSED && endpoint.metadata(SecuredRoutes.Secured.class) != null
                    && answer.status() >= 200 && answer.status() < 300) {
                fault(request, answer, "served a caller without the route's permission");
            }
            StoreDump after = dump();
            List<String> changes = before.changesTo(after);
            if (!changes.isEmpty()) {
                unexplained.add(request.shown() + " -> " + answer.status() + " changed " + changes);
            }
            before = after;
        }
    }

    /** WebSocket upgrades without credentials or with forged ones: all refused before the upgrade. */
    private void upgrades(FuzzRequests fuzz, List<String> routes) {
        for (int i = 0; i < UPGRADES; i++) {
            String route = routes.get(i % routes.size());
            FuzzRequests.Request request = new FuzzRequests.Request(route, "GET",
                    fuzz.path(route, true), fuzz.forgedCredentials(), new byte[0], "upgrade");
            Answer answer = raw(request, true);
            judge(request, answer);
            if (answer.status() >= 100 && answer.status() < 400) {
                fault(request, answer, "upgraded without credentials");
            }
        }
    }

    /** The authorised share, routes drawn at random; every change to the store comes with a 2xx answer. */
    private void authorised(FuzzRequests fuzz, List<Endpoint> endpoints) {
        StoreDump before = StoreDump.of(server.dataSource());
        for (int i = 0; i < AUTHORISED; i++) {
            if (i % 250 == 0) {
                refreshRoom();
            }
            Endpoint endpoint = endpoints.get(fuzz.random().nextInt(endpoints.size()));
            FuzzRequests.Request request = authorised(fuzz, endpoint.method.name() + " " + endpoint.path);
            Answer answer = send(request);
            judge(request, answer);
            if (answer.status() == 202 && !answer.location().isEmpty()) {
                awaitOperation(request, answer);
            }
            StoreDump after = dump();
            if (answer.status() >= 200 && answer.status() < 300 && !request.method().equals("GET")) {
                after = settled(request, before, after);
            }
            List<String> changes = before.changesTo(after);
            if (!changes.isEmpty() && (answer.status() < 200 || answer.status() > 299)) {
                unexplained.add(request.shown() + " -> " + answer.status() + " " + answer.body() + " changed "
                        + changes);
            }
            before = after;
        }
    }

    // ---- the shares ----

    private FuzzRequests.Request refused(FuzzRequests fuzz, Endpoint endpoint, String route) {
        SecuredRoutes.Secured secured = endpoint.metadata(SecuredRoutes.Secured.class);
        List<String> headers = new ArrayList<>();
        String kind;
        int pick = fuzz.random().nextInt(10);
        if (secured != null && secured.permission() != Permission.ACCOUNT && pick < 3) {
            headers.addAll(List.of("Authorization", "Bearer " + ALL_BUT.get(secured.permission())));
            kind = "lacking";
        } else if (pick == 3 && !endpoint.method.name().equals("GET")) {
            headers.addAll(List.of("Cookie", sessionCookie));
            if (fuzz.random().nextBoolean()) {
                headers.addAll(List.of(Guard.CSRF_HEADER, fuzz.randomToken()));
            }
            kind = "no-csrf";
        } else {
            headers.addAll(fuzz.forgedCredentials());
            kind = "forged";
        }
        return withBody(fuzz, route, fuzz.path(route, true), headers, kind, fuzz.random().nextBoolean());
    }

    private FuzzRequests.Request malformed(FuzzRequests fuzz, String route) {
        String template = route.substring(route.indexOf(' ') + 1);
        boolean hasParameter = template.contains("{");
        String path = fuzz.path(route, !hasParameter);
        List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + server.adminToken));
        String method = route.substring(0, route.indexOf(' '));
        if (method.equals("GET") || hasParameter) {
            return withBody(fuzz, route, path, headers, "malformed", fuzz.random().nextBoolean());
        }
        headers.addAll(List.of("Content-Type", fuzz.contentType()));
        return new FuzzRequests.Request(route, method, path, headers, fuzz.malformedBody(), "malformed");
    }

    private FuzzRequests.Request authorised(FuzzRequests fuzz, String route) {
        List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + server.adminToken));
        int pick = fuzz.random().nextInt(10);
        return withBody(fuzz, route, fuzz.path(route, true), headers, pick < 4 ? "authorised-clean" : "authorised",
                pick == 9);
    }

    /** A request with a body from the route's schema (or a malformed one), with a content type to match. */
    private static FuzzRequests.Request withBody(FuzzRequests fuzz, String route, String path, List<String> headers,
            String kind, boolean malformed) {
        String method = route.substring(0, route.indexOf(' '));
        if (method.equals("GET") || method.equals("DELETE") && fuzz.random().nextInt(4) != 0) {
            return new FuzzRequests.Request(route, method, path, headers, new byte[0], kind);
        }
        boolean upload = route.endsWith("/images") && method.equals("POST") && route.contains("datastores");
        List<String> all = new ArrayList<>(headers);
        if (upload && !malformed) {
            all.addAll(List.of("Content-Type", "application/octet-stream"));
            byte[] bytes = new byte[fuzz.random().nextInt(8192)];
            fuzz.random().nextBytes(bytes);
            return new FuzzRequests.Request(route, method, path, all, bytes, kind);
        }
        all.addAll(List.of("Content-Type", malformed ? fuzz.contentType() : "application/json"));
        byte[] body = malformed ? fuzz.malformedBody() : fuzz.bytes(fuzz.body(route, kind.endsWith("clean")));
        return new FuzzRequests.Request(route, method, path, all, body, kind);
    }

    // ---- sending and judging ----

    record Answer(int status, String contentType, String location, String body) {}

    private Answer send(FuzzRequests.Request request) {
        sent++;
        if (request.body().length > LARGE) {
            // the server refuses a body this large before reading it all: a socket still reads that answer
            return raw(request, false);
        }
        Answer answer = sendOnce(request);
        // the client may pick from its pool a connection the server closed after an earlier refusal: a request
        // that found no answer there is sent again on a connection of its own
        return answer.status() < 0 ? raw(request, false) : answer;
    }

    private Answer sendOnce(FuzzRequests.Request request) {
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(server.url() + request.path()))
                    .timeout(Duration.ofSeconds(20))
                    .method(request.method(), request.body().length == 0 && !request.method().equals("POST")
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            for (int i = 0; i < request.headers().size(); i += 2) {
                builder.header(request.headers().get(i), request.headers().get(i + 1));
            }
        } catch (IllegalArgumentException e) {
            // a path or header the client itself will not send goes over a socket as it is
            return raw(request, false);
        }
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Location").orElse(""), response.body());
        } catch (IOException e) {
            return new Answer(-1, "", "", "no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a request over a plain socket as HTTP/1.1 and reads the status line, headers and body. */
    private Answer raw(FuzzRequests.Request request, boolean upgrade) {
        if (upgrade) {
            sent++;
        }
        try (Socket socket = new Socket(server.url().getHost(), server.url().getPort())) {
            socket.setSoTimeout(20_000);
            StringBuilder head = new StringBuilder(request.method() + " " + request.path() + " HTTP/1.1\r\n");
            head.append("Host: ").append(server.url().getAuthority()).append("\r\n");
            if (upgrade) {
                head.append("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n")
                        .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
            } else {
                head.append("Connection: close\r\nContent-Length: ").append(request.body().length).append("\r\n");
            }
            for (int i = 0; i < request.headers().size(); i += 2) {
                head.append(request.headers().get(i)).append(": ").append(request.headers().get(i + 1)
                        .replaceAll("[\\r\\n]", "")).append("\r\n");
            }
            head.append("\r\n");
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.write(request.body());
                out.flush();
            } catch (IOException e) {
                // refused before it was all sent: the answer is already on its way
            }
            return response(socket.getInputStream());
        } catch (IOException e) {
            return new Answer(-1, "", "", "no answer: " + e);
        }
    }

    private static Answer response(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headEnd = -1;
        while (headEnd < 0) {
            int read = in.read(buffer);
            if (read < 0) {
                break;
            }
            bytes.write(buffer, 0, read);
            headEnd = bytes.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        }
        String all = bytes.toString(StandardCharsets.ISO_8859_1);
        if (headEnd < 0) {
            return new Answer(-1, "", "", "no complete answer: " + all);
        }
        String[] lines = all.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = bytes.toByteArray();
        int have = body.length - headEnd - 4;
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        rest.write(body, headEnd + 4, have);
        while (have < length) {
            int read = in.read(buffer, 0, Math.min(buffer.length, length - have));
            if (read < 0) {
                break;
            }
            rest.write(buffer, 0, read);
            have += read;
        }
        return new Answer(status, headers.getOrDefault("content-type", ""), headers.getOrDefault("location", ""),
                rest.toString(StandardCharsets.UTF_8));
    }

    /** Records a fault: a 5xx, no answer, or a 4xx that is not problem+json with a sentence. */
    private void judge(FuzzRequests.Request request, Answer answer) {
        statuses.computeIfAbsent(request.route(), route -> new java.util.TreeSet<>()).add(request.kind() + ":"
                + answer.status());
        if (answer.status() < 0) {
            fault(request, answer, "no answer");
        } else if (answer.status() >= 500) {
            fault(request, answer, detail(answer));
        } else if (answer.status() >= 400) {
            if (!answer.contentType().startsWith(Problem.MEDIA_TYPE)) {
                fault(request, answer, "not problem+json (" + answer.contentType() + ")");
            } else if (detail(answer).isBlank()) {
                fault(request, answer, "a problem without a sentence");
            }
        }
    }

    private static String detail(Answer answer) {
        try {
            return Json.mapper().readTree(answer.body()).path("detail").asText("");
        } catch (IOException e) {
            return answer.body().length() > 200 ? answer.body().substring(0, 200) : answer.body();
        }
    }

    private void fault(FuzzRequests.Request request, Answer answer, String what) {
        String sentence = what.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<ref>");
        if (sentence.length() > 300) {
            sentence = sentence.substring(0, 300) + "…";
        }
        faults.putIfAbsent(request.route() + " " + answer.status() + " " + sentence, request.shown()
                + (answer.status() < 0 ? " " + answer.body() : ""));
    }

    private StoreDump dump() {
        long start = System.nanoTime();
        StoreDump dump = StoreDump.of(server.dataSource());
        dumping += System.nanoTime() - start;
        return dump;
    }

    /**
     * Tables whose rows change only in the request that changes them: accounts, the audit log, sites and settings.
     * A change elsewhere (the inventory, images, operations) may have consequences that land later, at the
     * inventory's next resync (a deleted volume frees space on its datastore) or in an operation.
     */
    private static final Set<String> SETTLED_AT_ONCE = Set.of("USERS", "API_TOKENS", "BROWSER_SESSIONS", "ROLES",
            "GRANTS", "AUDIT", "SITES", "FENCE_DEVICES", "HA_CLUSTERS", "HA_VMS", "VM_CONSOLES");

    /**
     * The store once the consequences of an accepted change have landed: its operations ended (the simulated clock
     * moved on so that guests shut down) and, unless it changed only {@link #SETTLED_AT_ONCE} tables, nothing
     * changing for a while (a simulated fault always waits: the inventory's next resync records its effect).
     */
    private StoreDump settled(FuzzRequests.Request request, StoreDump before, StoreDump after) {
        long start = System.nanoTime();
        try {
            return settling(request, before, after);
        } finally {
            settling += System.nanoTime() - start;
        }
    }

    private StoreDump settling(FuzzRequests.Request request, StoreDump before, StoreDump after) {
        Instant until = Instant.now().plusSeconds(20);
        StoreDump now = after;
        while (Instant.now().isBefore(until)) {
            while (unfinished(now) && Instant.now().isBefore(until)) {
                server.clock.advance(Duration.ofSeconds(1));
                sleep(20);
                now = dump();
            }
            boolean trails = request.route().contains("/sim/") || before.changesTo(now).stream()
                    .anyMatch(change -> !SETTLED_AT_ONCE.contains(change.split(" ")[1]));
            if (!trails) {
                return now;
            }
            sleep(QUIET);
            StoreDump again = dump();
            if (again.equals(now) && !unfinished(again)) {
                return again;
            }
            now = again;
        }
        faults.putIfAbsent(request.route() + " " + "the store kept changing for 20 s after the answer",
                request.shown());
        return now;
    }

    /** Longer than the inventory's resync period (200 ms in {@link TestServer}). */
    private static final long QUIET = 300;

    private static boolean unfinished(StoreDump dump) {
        return dump.tables().getOrDefault("OPERATIONS", List.of()).stream()
                .anyMatch(row -> row.contains("STATE=PENDING") || row.contains("STATE=RUNNING"));
    }

    /** Follows an accepted operation to its end, moving the simulated clock so that guests shut down. */
    private void awaitOperation(FuzzRequests.Request request, Answer answer) {
        Instant until = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(until)) {
            server.clock.advance(Duration.ofSeconds(1));
            TestServer.Reply operation = server.get(answer.location());
            if (operation.status() == 200 && operation.json().path("isFinal").asBoolean()) {
                return;
            }
            sleep(20);
        }
        faults.putIfAbsent(request.route() + " 202 operation did not end in 20 s", request.shown());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads the room's ids and names for the generator, leaving out the administrator's own objects. */
    private void refreshRoom() {
        ids.clear();
        words.clear();
        Map<String, Supplier<JsonNode>> lists = new LinkedHashMap<>();
        for (String collection : List.of("sites", "clusters", "hosts", "networks", "datastores", "vms", "images",
                "templates", "operations", "alarms", "users", "tokens", "grants", "roles")) {
            lists.put(collection, () -> server.get("/api/v1/" + collection + "?limit=1000").json().path("items"));
        }
        for (Map.Entry<String, Supplier<JsonNode>> list : lists.entrySet()) {
            List<String> found = new ArrayList<>();
            for (JsonNode item : list.getValue().get()) {
                String id = item.has("id") ? item.path("id").asText() : item.path("name").asText();
                if (!KEPT.contains(id)) {
                    found.add(id);
                }
                if (item.has("name") && !item.path("name").asText().equals(Accounts.FIRST_USER)) {
                    words.add(item.path("name").asText());
                }
            }
            ids.put(list.getKey(), found);
            words.addAll(found);
        }
        List<String> volumes = new ArrayList<>();
        for (String datastore : ids.get("datastores")) {
            server.get("/api/v1/datastores/" + datastore + "/volumes").json().path("items")
                    .forEach(volume -> volumes.add(volume.path("name").asText()));
        }
        ids.put("volumes", volumes);
        ids.put("hosts", new ArrayList<>(ids.get("hosts")));
        words.addAll(List.of("site-1", "cluster-1", "h1", "h2", "spare", "linked", "full", "bios", "uefi", "dir",
                "netfs", "nfs", "operator", "administrator", "auditor", "vm.read", "fence.manage", "fence_ipmilan"));
    }

    private static void expect(int status, TestServer.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    }

    private static byte[] qcow2() {
        byte[] header = new byte[4096];
        header[0] = 'Q';
        header[1] = 'F';
        header[2] = 'I';
        header[3] = (byte) 0xfb;
        header[7] = 3;
        long size = 1L << 30;
        for (int i = 0; i < 8; i++) {
            header[24 + i] = (byte) (size >>> (56 - 8 * i));
        }
        return header;
    }
}
