package dev.paddock.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.json.Json;
import dev.paddock.model.HostState;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import dev.paddock.operation.OperationState;
import dev.paddock.operation.StepState;
import java.util.Arrays;

/**
 * The OpenAPI 3.1 description of the API, built in code beside the routes. {@code OpenApiDocumentTest}
 * checks that every route the server registers is described here, so the two cannot drift apart.
 */
public final class OpenApiDocument {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String PROBLEM = "Problem";

    private OpenApiDocument() {}

    public static String json() {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(build());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the document is plain JSON nodes", e);
        }
    }

    static ObjectNode build() {
        ObjectNode doc = F.objectNode();
        doc.put("openapi", "3.1.0");
        doc.putObject("info").put("title", "Paddock API").put("version", "1")
                .put("description", "Manage sites, clusters, hosts, VMs, networks and datastores. Changes to VMs"
                        + " run as Operations: the API answers 202 Accepted with a Location of the operation to"
                        + " follow. Every error is an RFC 9457 problem (application/problem+json).");
        ObjectNode paths = doc.putObject("paths");
        inventory(paths, "sites", "Site", "NewSite");
        inventory(paths, "clusters", "Cluster", "NewCluster");
        inventory(paths, "hosts", "Host", "NewHost");
        inventory(paths, "networks", "Network", "NewNetwork");
        inventory(paths, "datastores", "Datastore", "NewDatastore");
        vms(paths);
        operations(paths);
        oversight(paths);
        ha(paths);
        consolidation(paths);
        simulator(paths);
        paths.putObject(RestApi.BASE + "/openapi.json").set("get", operation("openapi", "This document", null)
                .set("responses", responses(ok(F.objectNode().put("type", "object")))));
        health(paths);
        ObjectNode metrics = operation("metrics", "Prometheus metrics in the text exposition format", null);
        ObjectNode text = F.objectNode();
        text.putObject("200").put("description", "OK").putObject("content").putObject("text/plain")
                .putObject("schema").put("type", "string");
        metrics.set("responses", text);
        paths.putObject("/metrics").set("get", metrics);
        doc.set("components", components());
        return doc;
    }

    /** The server's health: 503 once it lost its leader lease and stopped acting. */
    private static void health(ObjectNode paths) {
        ObjectNode schema = object("status", "leader");
        ObjectNode properties = schema.withObjectProperty("properties");
        properties.putObject("status").put("type", "string").putArray("enum").add("ok").add("unhealthy");
        properties.putObject("leader").put("type", "boolean")
                .put("description", "Whether this server holds the controller lease and runs operations and HA");
        properties.putObject("holder").put("type", "string").put("description", "This server, as its lease names it");
        properties.putObject("since").put("type", "string").put("format", "date-time");
        properties.putObject("reason").put("type", "string").put("description", "Why it stopped acting");
        ObjectNode health = operation("health", "Whether this server may act (holds the leader lease)", null);
        ObjectNode responses = ok(schema);
        responses.setAll(status("503", "Unhealthy: the server lost its leader lease and no longer acts", schema));
        health.set("responses", responses);
        paths.putObject(RestApi.BASE + "/health").set("get", health);
    }

    private static void inventory(ObjectNode paths, String collection, String schema, String request) {
        ObjectNode list = operation("list" + schema + "s", "List " + collection, collection)
                .set("responses", responses(ok(page(schema))));
        ObjectNode create = operation("create" + schema, "Add a " + schema.toLowerCase(), collection);
        create.set("requestBody", body(request));
        create.set("responses", responses(status("201", "Created", ref(schema)), "400", "409", "422", "502"));
        paths.putObject(RestApi.BASE + "/" + collection).<ObjectNode>set("get", list).set("post", create);
        ObjectNode get = operation("get" + schema, "Read one " + schema.toLowerCase(), collection);
        get.set("parameters", F.arrayNode().add(idParameter()));
        get.set("responses", responses(ok(ref(schema)), "404"));
        ObjectNode item = paths.putObject(RestApi.BASE + "/" + collection + "/{id}");
        item.set("get", get);
        if (collection.equals("hosts")) {
            ObjectNode delete = operation("deleteHost", "Remove a host that holds no VMs, and disconnect it",
                    collection);
            delete.set("parameters", F.arrayNode().add(idParameter()));
            ObjectNode noContent = F.objectNode();
            noContent.putObject("204").put("description", "Removed");
            delete.set("responses", withProblems(noContent, "404", "409"));
            item.set("delete", delete);
        }
    }

    private static void vms(ObjectNode paths) {
        ObjectNode list = operation("listVms", "List VMs, one page at a time", "vms");
        list.set("parameters", F.arrayNode().add(query("offset", "integer", "Items to skip (default 0)"))
                .add(query("limit", "integer", "Items per page (default " + Query.DEFAULT_LIMIT + ", at most "
                        + Query.MAX_LIMIT + ")")));
        list.set("responses", responses(ok(page("Vm")), "400"));
        ObjectNode create = operation("createVm", "Create a VM on a host with room for it (or the one named)",
                "vms");
        create.set("requestBody", body("NewVm"));
        create.set("responses", responses(accepted(), "400", "409", "422"));
        paths.putObject(RestApi.BASE + "/vms").<ObjectNode>set("get", list).set("post", create);

        ObjectNode get = operation("getVm", "Read one VM", "vms");
        get.set("parameters", F.arrayNode().add(idParameter()));
        get.set("responses", responses(ok(ref("Vm")), "404"));
        ObjectNode delete = operation("deleteVm", "Delete a VM: power off, undefine, forget", "vms");
        delete.set("parameters", F.arrayNode().add(idParameter())
                .add(query("force", "boolean", "Delete even while it runs")));
        delete.set("responses", responses(accepted(), "400", "404", "409"));
        paths.putObject(RestApi.BASE + "/vms/{id}").<ObjectNode>set("get", get).set("delete", delete);

        ObjectNode start = operation("startVm", "Start a stopped VM", "vms");
        start.set("parameters", F.arrayNode().add(idParameter()));
        start.set("responses", responses(accepted(), "404", "409"));
        paths.putObject(RestApi.BASE + "/vms/{id}/start").set("post", start);
        ObjectNode stop = operation("stopVm", "Stop a VM: ask the guest, then power off after the timeout", "vms");
        stop.set("parameters", F.arrayNode().add(idParameter())
                .add(query("force", "boolean", "Power off at once instead of asking the guest"))
                .add(query("timeoutSeconds", "integer", "How long a graceful stop waits (default "
                        + VmPlans.DEFAULT_SHUTDOWN_SECONDS + ")")));
        stop.set("responses", responses(accepted(), "400", "404", "409", "422"));
        paths.putObject(RestApi.BASE + "/vms/{id}/stop").set("post", stop);
        ObjectNode migrate = operation("migrateVm", "Move a running VM, live (kind vm.migrate), to the host the body"
                + " names or, without one, to the host the placement engine chooses among the others of its cluster;"
                + " 409 with the engine's sentence when it fits nowhere", "vms");
        migrate.set("parameters", F.arrayNode().add(idParameter()));
        ObjectNode migrateBody = body("MigrateVm");
        migrateBody.put("required", false);
        migrate.set("requestBody", migrateBody);
        migrate.set("responses", responses(accepted(), "400", "404", "409", "422"));
        paths.putObject(RestApi.BASE + "/vms/{id}/migrate").set("post", migrate);
        ObjectNode adopt = operation("adoptVm", "Take an unregistered (or quarantined) VM as managed", "vms");
        adopt.set("parameters", F.arrayNode().add(idParameter()));
        adopt.set("responses", responses(accepted(), "404", "409"));
        paths.putObject(RestApi.BASE + "/vms/{id}/adopt").set("post", adopt);
        ObjectNode quarantine = operation("quarantineVm", "Pause a running unregistered VM and take its NIC links"
                + " down", "vms");
        quarantine.set("parameters", F.arrayNode().add(idParameter()));
        quarantine.set("responses", responses(accepted(), "404", "409", "502"));
        paths.putObject(RestApi.BASE + "/vms/{id}/quarantine").set("post", quarantine);
    }

    private static void oversight(ObjectNode paths) {
        ObjectNode alarms = operation("listAlarms", "List alarms, newest first", "alarms");
        alarms.set("parameters", F.arrayNode().add(query("open", "boolean", "Only alarms not yet acknowledged"))
                .add(query("offset", "integer", "Items to skip"))
                .add(query("limit", "integer", "Items per page (at most " + Query.MAX_LIMIT + ")")));
        alarms.set("responses", responses(ok(items("Alarm")), "400"));
        paths.putObject(RestApi.BASE + "/alarms").set("get", alarms);
        ObjectNode alarm = operation("getAlarm", "Read one alarm", "alarms");
        alarm.set("parameters", F.arrayNode().add(idParameter()));
        alarm.set("responses", responses(ok(ref("Alarm")), "404"));
        paths.putObject(RestApi.BASE + "/alarms/{id}").set("get", alarm);
        ObjectNode acknowledge = operation("acknowledgeAlarm", "Acknowledge an alarm (again: no change)", "alarms");
        acknowledge.set("parameters", F.arrayNode().add(idParameter()));
        acknowledge.set("responses", responses(ok(ref("Alarm")), "404"));
        paths.putObject(RestApi.BASE + "/alarms/{id}/acknowledge").set("post", acknowledge);
        ObjectNode audit = operation("listAudit", "The audit log, newest first", "audit");
        audit.set("parameters", F.arrayNode().add(query("offset", "integer", "Items to skip"))
                .add(query("limit", "integer", "Items per page (at most " + Query.MAX_LIMIT + ")")));
        audit.set("responses", responses(ok(items("AuditEntry")), "400"));
        paths.putObject(RestApi.BASE + "/audit").set("get", audit);
        ObjectNode verify = operation("verifyAudit", "Walk the audit log's hash chain and say whether it holds",
                "audit");
        verify.set("responses", responses(ok(ref("AuditVerification"))));
        paths.putObject(RestApi.BASE + "/audit/verify").set("get", verify);
    }

    private static void ha(ObjectNode paths) {
        ObjectNode getCluster = operation("getClusterHa", "A cluster's HA: enabled, paused, tolerated host failures,"
                + " detection window, and whether admission control finds the promise kept", "ha");
        getCluster.set("parameters", F.arrayNode().add(idParameter()));
        getCluster.set("responses", responses(ok(ref("ClusterHa")), "404"));
        ObjectNode putCluster = operation("setClusterHa", "Change a cluster's HA (fields left out keep their value);"
                + " pausing disarms HA for planned work", "ha");
        putCluster.set("parameters", F.arrayNode().add(idParameter()));
        putCluster.set("requestBody", body("ClusterHaChange"));
        putCluster.set("responses", responses(ok(ref("ClusterHa")), "400", "404", "422"));
        paths.putObject(RestApi.BASE + "/clusters/{id}/ha").<ObjectNode>set("get", getCluster).set("put", putCluster);
        ObjectNode getVm = operation("getVmHa", "A VM's HA protection and restart priority", "ha");
        getVm.set("parameters", F.arrayNode().add(idParameter()));
        getVm.set("responses", responses(ok(ref("VmHa")), "404"));
        ObjectNode putVm = operation("setVmHa", "Protect a VM (priority: higher restarts first) or disable its HA",
                "ha");
        putVm.set("parameters", F.arrayNode().add(idParameter()));
        putVm.set("requestBody", body("VmHaChange"));
        putVm.set("responses", responses(ok(ref("VmHa")), "400", "404", "422"));
        paths.putObject(RestApi.BASE + "/vms/{id}/ha").<ObjectNode>set("get", getVm).set("put", putVm);
        ObjectNode maintenance = operation("hostMaintenance", "Enter or exit maintenance: a host in maintenance takes"
                + " no VMs and HA is disarmed for it. Entering evacuates the host: its running VMs migrate, in one"
                + " operation (kind host.evacuate, its href in 'operation'), to hosts the placement engine chooses;"
                + " when one VM fits on no other host, 409 with the engine's sentence and nothing moves", "ha");
        maintenance.set("parameters", F.arrayNode().add(idParameter()));
        maintenance.set("requestBody", body("Maintenance"));
        maintenance.set("responses", responses(ok(ref("MaintenanceState")), "400", "404", "409", "422"));
        paths.putObject(RestApi.BASE + "/hosts/{id}/maintenance").set("post", maintenance);
        ObjectNode getFence = operation("getFenceDevice", "A host's fence device, secret options masked", "ha");
        getFence.set("parameters", F.arrayNode().add(idParameter()));
        getFence.set("responses", responses(ok(ref("FenceDevice")), "404"));
        ObjectNode putFence = operation("setFenceDevice", "Set how a host is fenced: a fence-agents executable and"
                + " its options (secrets are stored, never returned)", "ha");
        putFence.set("parameters", F.arrayNode().add(idParameter()));
        putFence.set("requestBody", body("NewFenceDevice"));
        putFence.set("responses", responses(ok(ref("FenceDevice")), "400", "404", "422"));
        ObjectNode deleteFence = operation("deleteFenceDevice", "Remove a host's fence device", "ha");
        deleteFence.set("parameters", F.arrayNode().add(idParameter()));
        ObjectNode noContent = F.objectNode();
        noContent.putObject("204").put("description", "Removed");
        deleteFence.set("responses", withProblems(noContent, "404"));
        paths.putObject(RestApi.BASE + "/hosts/{id}/fence").<ObjectNode>set("get", getFence)
                .<ObjectNode>set("put", putFence).set("delete", deleteFence);
        ObjectNode status = operation("haStatus", "What HA believes of every host", "ha");
        ObjectNode hosts = object("hosts");
        hosts.withObjectProperty("properties").putObject("hosts").put("type", "array").set("items",
                ref("HaHostStatus"));
        status.set("responses", responses(ok(hosts)));
        paths.putObject(RestApi.BASE + "/ha/status").set("get", status);
        ObjectNode events = operation("haEvents", "HA's decisions (the audit log's ha.* entries), newest first", "ha");
        events.set("parameters", F.arrayNode().add(query("offset", "integer", "Items to skip"))
                .add(query("limit", "integer", "Items per page (at most " + Query.MAX_LIMIT + ")")));
        events.set("responses", responses(ok(items("AuditEntry")), "400"));
        paths.putObject(RestApi.BASE + "/ha/events").set("get", events);
    }

    private static void consolidation(ObjectNode paths) {
        ObjectNode plan = operation("planConsolidation", "Plan the consolidation of physical servers onto hosts of"
                + " one model (one VM per application, N+1 spare): hosts needed, placement, power, cost and licences"
                + " before and after; send Accept: text/html for the report page. With clusterId and execute, the"
                + " migration is submitted onto that cluster's hosts (in name order) and the answer is 202",
                "consolidation");
        plan.set("requestBody", body("ConsolidationRequest"));
        ObjectNode answers = responses(ok(ref("ConsolidationPlan")), "400", "409", "422");
        answers.set("202", F.objectNode().put("description", "The migration was submitted as an operation")
                .set("content", F.objectNode().set("application/json", F.objectNode()
                        .set("schema", ref("ConsolidationPlan")))));
        plan.set("responses", answers);
        paths.putObject(RestApi.BASE + "/consolidation/plans").set("post", plan);
    }

    private static void simulator(ObjectNode paths) {
        ObjectNode hostFault = operation("injectHostFault", "Simulated room: crash a sim:// host, power it on, cut it"
                + " from the management network (isolate) or reconnect it, to watch HA react", "simulator");
        hostFault.set("parameters", F.arrayNode().add(idParameter()));
        hostFault.set("requestBody", body("HostFault"));
        hostFault.set("responses", responses(ok(ref("SimHostState")), "400", "404", "409", "422"));
        paths.putObject(RestApi.BASE + "/sim/hosts/{id}/faults").set("post", hostFault);
        ObjectNode vmCrash = operation("crashVm", "Simulated room: crash a running guest on a sim:// host",
                "simulator");
        vmCrash.set("parameters", F.arrayNode().add(idParameter()));
        ObjectNode crashed = object("vmId", "hostId", "fault");
        strings(crashed, "vmId", "hostId", "fault");
        vmCrash.set("responses", responses(ok(crashed), "404", "409"));
        paths.putObject(RestApi.BASE + "/sim/vms/{id}/crash").set("post", vmCrash);
    }

    private static void simulatorSchemas(ObjectNode schemas) {
        ObjectNode fault = closed("fault");
        fault.withObjectProperty("properties").putObject("fault").put("type", "string").putArray("enum")
                .add("crash").add("power-on").add("isolate").add("reconnect");
        schemas.set("HostFault", fault);
        ObjectNode state = object("hostId", "hostName", "poweredOn", "isolated", "domains");
        strings(state, "hostId", "hostName");
        booleans(state, "poweredOn", "isolated");
        integers(state, "domains");
        schemas.set("SimHostState", state);
    }

    private static void consolidationSchemas(ObjectNode schemas) {
        ObjectNode request = closed("inventory", "hostModel");
        strings(request, "inventory", "hostModel", "clusterId");
        integers(request, "headroomPercent", "seconds", "seed");
        booleans(request, "execute");
        schemas.set("ConsolidationRequest", request);
        ObjectNode plan = object("hostModel", "serversBefore", "vms", "hostsForLoad", "hostsWithSpare",
                "serversSaved", "wattsBefore", "wattsAfter", "costBefore", "costAfter", "licences", "hostLoads",
                "migrations");
        strings(plan, "hostModel");
        integers(plan, "headroomPercent", "serversBefore", "vms", "hostsForLoad", "hostsWithSpare", "serversSaved",
                "wattsBefore", "wattsAfter", "costBefore", "costAfter");
        plan.withObjectProperty("properties").putObject("licences").put("type", "array").putObject("items")
                .put("type", "object");
        plan.withObjectProperty("properties").putObject("hostLoads").put("type", "array").putObject("items")
                .put("type", "object");
        plan.withObjectProperty("properties").putObject("migrations").put("type", "array").putObject("items")
                .put("type", "object");
        plan.withObjectProperty("properties").putObject("hostCapacity").put("type", "object");
        plan.withObjectProperty("properties").set("operation", ref("Operation"));
        schemas.set("ConsolidationPlan", plan);
    }

    private static void haSchemas(ObjectNode schemas) {
        ObjectNode cluster = object("clusterId", "enabled", "paused", "toleratedHostFailures",
                "detectionWindowSeconds", "admitted", "admission");
        strings(cluster, "clusterId", "admission");
        booleans(cluster, "enabled", "paused", "admitted");
        integers(cluster, "toleratedHostFailures", "detectionWindowSeconds");
        schemas.set("ClusterHa", cluster);
        ObjectNode clusterChange = closed();
        booleans(clusterChange, "enabled", "paused");
        integers(clusterChange, "toleratedHostFailures", "detectionWindowSeconds");
        schemas.set("ClusterHaChange", clusterChange);
        ObjectNode vm = object("vmId", "priority", "enabled");
        strings(vm, "vmId");
        integers(vm, "priority");
        booleans(vm, "enabled");
        schemas.set("VmHa", vm);
        ObjectNode vmChange = closed();
        integers(vmChange, "priority");
        booleans(vmChange, "enabled");
        schemas.set("VmHaChange", vmChange);
        ObjectNode maintenance = closed("action");
        maintenance.withObjectProperty("properties").putObject("action").put("type", "string").putArray("enum")
                .add("enter").add("exit");
        schemas.set("Maintenance", maintenance);
        ObjectNode maintenanceState = object("hostId", "maintenance", "changed");
        strings(maintenanceState, "hostId", "operation");
        booleans(maintenanceState, "maintenance", "changed");
        schemas.set("MaintenanceState", maintenanceState);
        ObjectNode fence = object("hostId", "agent", "options");
        strings(fence, "hostId", "agent");
        fence.withObjectProperty("properties").putObject("options").put("type", "object")
                .putObject("additionalProperties").put("type", "string");
        schemas.set("FenceDevice", fence);
        ObjectNode newFence = closed("agent");
        strings(newFence, "agent");
        newFence.withObjectProperty("properties").putObject("options").put("type", "object")
                .putObject("additionalProperties").put("type", "string");
        schemas.set("NewFenceDevice", newFence);
        ObjectNode host = object("hostId", "hostName", "clusterId", "armed", "health");
        strings(host, "hostId", "hostName", "clusterId");
        booleans(host, "armed");
        enumeration(host, "health", dev.paddock.ha.HostHealth.values());
        schemas.set("HaHostStatus", host);
    }

    private static void booleans(ObjectNode schema, String... fields) {
        for (String field : fields) {
            schema.withObjectProperty("properties").putObject(field).put("type", "boolean");
        }
    }

    private static ObjectNode items(String schema) {
        ObjectNode list = object("items");
        list.withObjectProperty("properties").putObject("items").put("type", "array").set("items", ref(schema));
        return list;
    }

    private static void oversightSchemas(ObjectNode schemas) {
        haSchemas(schemas);
        consolidationSchemas(schemas);
        simulatorSchemas(schemas);
        ObjectNode alarm = object("id", "kind", "subjectId", "message", "raised");
        strings(alarm, "id", "kind", "subjectId", "message", "raised");
        ObjectNode acknowledgement = object("by", "at");
        strings(acknowledgement, "by", "at");
        alarm.withObjectProperty("properties").set("acknowledged", acknowledgement);
        schemas.set("Alarm", alarm);
        ObjectNode entry = object("seq", "at", "actor", "action", "subjectId", "detail", "previousHash", "hash");
        integers(entry, "seq");
        strings(entry, "at", "actor", "action", "subjectId", "detail", "previousHash", "hash");
        schemas.set("AuditEntry", entry);
        ObjectNode verification = object("intact", "entries", "reason");
        verification.withObjectProperty("properties").putObject("intact").put("type", "boolean");
        integers(verification, "entries", "firstBrokenSeq");
        strings(verification, "reason");
        schemas.set("AuditVerification", verification);
    }

    private static void operations(ObjectNode paths) {
        ObjectNode list = operation("listOperations", "List operations, newest first", "operations");
        list.set("parameters", F.arrayNode().add(query("offset", "integer", "Items to skip"))
                .add(query("limit", "integer", "Items per page (at most " + Query.MAX_LIMIT + ")")));
        list.set("responses", responses(ok(page("Operation")), "400"));
        paths.putObject(RestApi.BASE + "/operations").set("get", list);
        ObjectNode get = operation("getOperation", "Read one operation with its steps", "operations");
        get.set("parameters", F.arrayNode().add(idParameter()));
        get.set("responses", responses(ok(ref("Operation")), "404"));
        paths.putObject(RestApi.BASE + "/operations/{id}").set("get", get);
        ObjectNode cancel = operation("cancelOperation", "Ask a running operation to stop and roll back",
                "operations");
        cancel.set("parameters", F.arrayNode().add(idParameter()));
        cancel.set("responses", responses(accepted(), "404", "409"));
        paths.putObject(RestApi.BASE + "/operations/{id}/cancel").set("post", cancel);
        ObjectNode events = operation("followOperation", "Server-sent events: an 'operation' event with the"
                + " operation at each change, until it is final (send Accept: text/event-stream)", "operations");
        events.set("parameters", F.arrayNode().add(idParameter()));
        ObjectNode stream = F.objectNode();
        stream.putObject("200").put("description", "An event stream").putObject("content")
                .putObject("text/event-stream").set("schema", ref("Operation"));
        events.set("responses", withProblems(stream, "404"));
        paths.putObject(RestApi.BASE + "/operations/{id}/events").set("get", events);
    }

    private static ObjectNode operation(String id, String summary, String tag) {
        ObjectNode op = F.objectNode().put("operationId", id).put("summary", summary);
        if (tag != null) {
            op.putArray("tags").add(tag);
        }
        return op;
    }

    private static ObjectNode idParameter() {
        ObjectNode p = F.objectNode().put("name", "id").put("in", "path").put("required", true);
        p.putObject("schema").put("type", "string");
        return p;
    }

    private static ObjectNode query(String name, String type, String description) {
        ObjectNode p = F.objectNode().put("name", name).put("in", "query").put("required", false)
                .put("description", description);
        p.putObject("schema").put("type", type);
        return p;
    }

    private static ObjectNode body(String schema) {
        ObjectNode body = F.objectNode().put("required", true);
        body.putObject("content").putObject("application/json").set("schema", ref(schema));
        return body;
    }

    private static ObjectNode ok(ObjectNode schema) {
        return status("200", "OK", schema);
    }

    private static ObjectNode accepted() {
        ObjectNode r = status("202", "Accepted: the operation runs; follow its Location", ref("Operation"));
        ObjectNode header = F.objectNode().put("description", "The operation's URL");
        header.putObject("schema").put("type", "string");
        r.withObjectProperty("202").putObject("headers").set("Location", header);
        return r;
    }

    private static ObjectNode status(String code, String description, ObjectNode schema) {
        ObjectNode r = F.objectNode();
        r.putObject(code).put("description", description).putObject("content").putObject("application/json")
                .set("schema", schema);
        return r;
    }

    private static ObjectNode responses(ObjectNode success, String... problems) {
        return withProblems(success, problems);
    }

    private static ObjectNode withProblems(ObjectNode responses, String... problems) {
        for (String code : problems) {
            ProblemType type = Arrays.stream(ProblemType.values())
                    .filter(t -> String.valueOf(t.status()).equals(code)).findFirst().orElseThrow();
            responses.putObject(code).put("description", type.title() + " (" + type.uri() + ")")
                    .putObject("content").putObject(Problem.MEDIA_TYPE).set("schema", ref(PROBLEM));
        }
        ObjectNode fallback = responses.putObject("default").put("description", "Any other problem");
        fallback.putObject("content").putObject(Problem.MEDIA_TYPE).set("schema", ref(PROBLEM));
        return responses;
    }

    private static ObjectNode ref(String schema) {
        return F.objectNode().put("$ref", "#/components/schemas/" + schema);
    }

    private static ObjectNode page(String schema) {
        ObjectNode page = object("items", "total", "offset", "limit");
        ObjectNode props = page.withObjectProperty("properties");
        props.putObject("items").put("type", "array").set("items", ref(schema));
        props.putObject("total").put("type", "integer");
        props.putObject("offset").put("type", "integer");
        props.putObject("limit").put("type", "integer");
        return page;
    }

    private static ObjectNode components() {
        ObjectNode schemas = F.objectNode();
        ObjectNode problem = object("type", "title", "status", "detail", "instance");
        problem.put("description", "RFC 9457 problem details. Types: " + Arrays.stream(ProblemType.values())
                .map(t -> t.uri() + " (" + t.status() + ")").reduce((a, b) -> a + ", " + b).orElse(""));
        strings(problem, "type", "title", "detail", "instance");
        problem.withObjectProperty("properties").putObject("status").put("type", "integer");
        schemas.set(PROBLEM, problem);

        ObjectNode resources = object("cpuMillicores", "memoryMib", "diskGib", "networkMbps");
        integers(resources, "cpuMillicores", "memoryMib", "diskGib", "networkMbps");
        schemas.set("Resources", resources);

        ObjectNode site = object("id", "name");
        strings(site, "id", "name", "description");
        schemas.set("Site", site);
        ObjectNode cluster = object("id", "siteId", "name");
        strings(cluster, "id", "siteId", "name");
        cluster.withObjectProperty("properties").putObject("haEnabled").put("type", "boolean");
        integers(cluster, "toleratedHostFailures");
        schemas.set("Cluster", cluster);
        ObjectNode host = object("id", "clusterId", "name", "uri", "capacity", "state", "power");
        strings(host, "id", "clusterId", "name", "uri");
        host.withObjectProperty("properties").set("capacity", ref("Resources"));
        enumeration(host, "state", HostState.values());
        enumeration(host, "power", dev.paddock.model.PowerState.values());
        stringArray(host, "licences");
        schemas.set("Host", host);
        ObjectNode vm = object("id", "name", "clusterId", "demand", "state", "origin");
        strings(vm, "id", "name", "clusterId", "hostId", "tier");
        vm.withObjectProperty("properties").set("demand", ref("Resources"));
        enumeration(vm, "state", VmState.values());
        enumeration(vm, "origin", VmOrigin.values());
        integers(vm, "haPriority");
        stringArray(vm, "affinityGroups");
        stringArray(vm, "antiAffinityGroups");
        stringArray(vm, "licences");
        vm.withObjectProperty("properties").putObject("disks").put("type", "array").putObject("items").put("type", "object");
        vm.withObjectProperty("properties").putObject("nics").put("type", "array").putObject("items").put("type", "object");
        ObjectNode watchdog = object("model", "action");
        enumeration(watchdog, "model", Watchdog.Model.values());
        enumeration(watchdog, "action", Watchdog.Action.values());
        watchdog.put("description", "The guest watchdog the VM's domain is defined with; absent for none.");
        vm.withObjectProperty("properties").set("watchdog", watchdog);
        schemas.set("Vm", vm);
        ObjectNode network = object("id", "siteId", "name");
        strings(network, "id", "siteId", "name");
        integers(network, "vlan");
        network.withObjectProperty("properties").putObject("isolated").put("type", "boolean");
        stringArray(network, "mirrorPorts");
        schemas.set("Network", network);
        ObjectNode datastore = object("id", "siteId", "name", "capacityGib", "freeGib");
        strings(datastore, "id", "siteId", "name");
        datastore.withObjectProperty("properties").putObject("shared").put("type", "boolean");
        integers(datastore, "capacityGib", "freeGib");
        stringArray(datastore, "hostIds");
        schemas.set("Datastore", datastore);
        schemas.set("Operation", operationSchema());
        oversightSchemas(schemas);
        requests(schemas);
        return F.objectNode().set("schemas", schemas);
    }

    private static ObjectNode operationSchema() {
        ObjectNode op = object("id", "kind", "target", "state", "isFinal", "stepsDone", "stepsTotal", "progress");
        strings(op, "id", "kind", "target", "owner", "created", "updated", "error", "href");
        enumeration(op, "state", OperationState.values());
        op.withObjectProperty("properties").putObject("isFinal").put("type", "boolean");
        integers(op, "stepsDone", "stepsTotal");
        op.withObjectProperty("properties").putObject("progress").put("type", "number").put("minimum", 0).put("maximum", 1);
        ObjectNode step = object("index", "description", "state");
        integers(step, "index");
        strings(step, "description", "started", "finished", "log");
        enumeration(step, "state", StepState.values());
        op.withObjectProperty("properties").putObject("steps").put("type", "array").set("items", step);
        return op;
    }

    private static void requests(ObjectNode schemas) {
        ObjectNode site = closed("name");
        strings(site, "name", "description");
        schemas.set("NewSite", site);
        ObjectNode cluster = closed("siteId", "name");
        strings(cluster, "siteId", "name");
        cluster.withObjectProperty("properties").putObject("haEnabled").put("type", "boolean");
        integers(cluster, "toleratedHostFailures");
        schemas.set("NewCluster", cluster);
        ObjectNode host = closed("clusterId", "name", "uri");
        strings(host, "clusterId", "name", "uri");
        schemas.set("NewHost", host);
        ObjectNode network = closed("siteId", "name");
        strings(network, "siteId", "name");
        network.withObjectProperty("properties").putObject("vlan").put("type", "integer").put("minimum", 1).put("maximum", 4094);
        network.withObjectProperty("properties").putObject("isolated").put("type", "boolean");
        schemas.set("NewNetwork", network);
        ObjectNode datastore = closed("siteId", "name", "capacityGib");
        strings(datastore, "siteId", "name");
        datastore.withObjectProperty("properties").putObject("shared").put("type", "boolean");
        integers(datastore, "capacityGib", "freeGib");
        stringArray(datastore, "hostIds");
        schemas.set("NewDatastore", datastore);
        ObjectNode vm = closed("name", "vcpus", "memoryMib");
        strings(vm, "name", "clusterId", "hostId", "tier");
        vm.withObjectProperty("properties").withObjectProperty("clusterId").put("description",
                "The cluster's id, or its name when no other cluster has that name.");
        integers(vm, "vcpus", "memoryMib", "diskGib", "networkMbps", "haPriority");
        vm.withObjectProperty("properties").putObject("start").put("type", "boolean").put("default", true);
        vm.withObjectProperty("properties").putObject("watchdog").put("$ref", "#/components/schemas/NewWatchdog");
        vm.put("description", "Sizes are checked against the largest host of the cluster (or the named host);"
                + " the name must be unique in its cluster.");
        schemas.set("NewVm", vm);
        ObjectNode migrateVm = closed();
        strings(migrateVm, "hostId");
        schemas.set("MigrateVm", migrateVm);
        ObjectNode watchdog = closed();
        lowerCaseEnumeration(watchdog, "model", Watchdog.Model.values()).put("default", "i6300esb");
        lowerCaseEnumeration(watchdog, "action", Watchdog.Action.values()).put("default", "reset");
        watchdog.put("description", "A guest watchdog device. The guest's OS must arm and feed it; when the OS hangs,"
                + " QEMU takes the action, Paddock audits it, raises an alarm and brings the VM back running (at most"
                + " a few times in a window). Left out, the VM has none.");
        schemas.set("NewWatchdog", watchdog);
    }

    private static ObjectNode lowerCaseEnumeration(ObjectNode schema, String field, Enum<?>[] values) {
        ObjectNode property = schema.withObjectProperty("properties").putObject(field).put("type", "string");
        ArrayNode list = property.putArray("enum");
        for (Enum<?> value : values) {
            list.add(value.name().toLowerCase(java.util.Locale.ROOT));
        }
        return property;
    }

    private static ObjectNode object(String... required) {
        ObjectNode schema = F.objectNode().put("type", "object");
        ArrayNode list = schema.putArray("required");
        for (String field : required) {
            list.add(field);
        }
        schema.putObject("properties");
        return schema;
    }

    /** Request bodies refuse unknown fields. */
    private static ObjectNode closed(String... required) {
        return object(required).put("additionalProperties", false);
    }

    private static void strings(ObjectNode schema, String... fields) {
        for (String field : fields) {
            schema.withObjectProperty("properties").putObject(field).put("type", "string");
        }
    }

    private static void integers(ObjectNode schema, String... fields) {
        for (String field : fields) {
            schema.withObjectProperty("properties").putObject(field).put("type", "integer");
        }
    }

    private static void stringArray(ObjectNode schema, String field) {
        schema.withObjectProperty("properties").putObject(field).put("type", "array").putObject("items").put("type", "string");
    }

    private static void enumeration(ObjectNode schema, String field, Enum<?>[] values) {
        ArrayNode list = schema.withObjectProperty("properties").putObject(field).put("type", "string").putArray("enum");
        for (Enum<?> value : values) {
            list.add(value.name());
        }
    }
}
