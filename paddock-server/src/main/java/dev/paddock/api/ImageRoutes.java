package dev.paddock.api;

import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.BootDevice;
import dev.paddock.model.Datastore;
import dev.paddock.model.Firmware;
import dev.paddock.model.Image;
import dev.paddock.model.Template;
import dev.paddock.model.Vm;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The image library and templates. An image is a volume of a datastore's pool with its SHA-256: uploaded through
 * the API (streamed to the host as it arrives, the checksum computed on the way and compared with the one the client
 * announces), or imported from a file on a host (copied by the host's libvirt, then read back once to checksum it).
 * A template is an image plus the hardware VMs made from it get.
 *
 * <p>An upload is not an Operation: its bytes come once, with the request, and cannot be replayed from a journal. It
 * either ends with the image recorded, or leaves nothing: a short or corrupt upload deletes what reached the host.
 */
final class ImageRoutes {

    /** The largest image accepted, in bytes (1 TiB). */
    static final long MAX_IMAGE_BYTES = 1L << 40;
    private static final long GIB = 1L << 30;

    private final InventoryStore store;
    private final Hypervisor hypervisor;
    private final AuditTrail audit;

    ImageRoutes(InventoryStore store, Hypervisor hypervisor, AuditTrail audit) {
        this.store = store;
        this.hypervisor = hypervisor;
        this.audit = audit;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE;
        routes.get(base + "/images", Permission.IMAGE_READ, this::list);
        routes.get(base + "/images/{id}", Permission.IMAGE_READ, ctx -> ctx.json(image(ctx)));
        routes.delete(base + "/images/{id}", Permission.IMAGE_MANAGE, this::delete);
        routes.post(base + "/datastores/{id}/images", Permission.IMAGE_MANAGE, this::upload);
        routes.post(base + "/datastores/{id}/images/import", Permission.IMAGE_MANAGE, this::importFromHost);
        routes.get(base + "/templates", Permission.IMAGE_READ, ctx -> ctx.json(InventoryRoutes.whole(store.templates())));
        routes.get(base + "/templates/{id}", Permission.IMAGE_READ, ctx -> ctx.json(template(ctx)));
        routes.post(base + "/templates", Permission.IMAGE_MANAGE, this::createTemplate);
        routes.delete(base + "/templates/{id}", Permission.IMAGE_MANAGE, this::deleteTemplate);
    }

    private void list(Context ctx) {
        String datastore = ctx.queryParam("datastore");
        List<Image> images = store.images();
        if (datastore != null) {
            String id = datastoreOf(datastore).id();
            images = images.stream().filter(image -> image.datastoreId().equals(id)).toList();
        }
        ctx.json(InventoryRoutes.whole(images));
    }

    private Image image(Context ctx) {
        return imageNamed(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("image", ctx));
    }

    /** An image by id, or by name when one image alone has it. */
    Optional<Image> imageNamed(String idOrName) {
        Optional<Image> byId = store.image(idOrName);
        if (byId.isPresent()) {
            return byId;
        }
        List<Image> named = store.images().stream().filter(image -> image.name().equals(idOrName)).toList();
        if (named.size() > 1) {
            throw new PaddockException.InvalidValue("Image name '" + idOrName + "' is used in " + named.size()
                    + " datastores: give the image's id.");
        }
        return named.stream().findFirst();
    }

    private Template template(Context ctx) {
        String idOrName = InventoryRoutes.id(ctx);
        return store.template(idOrName).or(() -> store.templateByName(idOrName))
                .orElseThrow(() -> InventoryRoutes.missing("template", ctx));
    }

    private Datastore datastoreOf(String idOrName) {
        return datastoreNamed(store, idOrName)
                .orElseThrow(() -> new PaddockException.NotFound("No datastore '" + idOrName + "'."));
    }

    /** A datastore by id, or by name. */
    static Optional<Datastore> datastoreNamed(InventoryStore store, String idOrName) {
        return store.datastore(idOrName).or(() -> store.datastores().stream()
                .filter(d -> d.name().equals(idOrName)).findFirst());
    }

    /**
     * {@code POST /datastores/{id}/images?name=N[&sha256=HEX][&host=H]}, the image's bytes as the body: streamed to
     * a host where the datastore's pool is started, checksummed on the way.
     */
    private void upload(Context ctx) {
        Datastore datastore = datastoreOf(InventoryRoutes.id(ctx));
        String name = Requests.name(ctx.queryParam("name"), "name");
        Optional<String> expected = Optional.ofNullable(ctx.queryParam("sha256")).map(ImageRoutes::checksum);
        long length = ctx.req().getContentLengthLong();
        if (length < 1) {
            throw new PaddockException.BadRequest("An image upload needs its bytes as the body, with a Content-Length;"
                    + " the request had " + (length == 0 ? "an empty body." : "none."));
        }
        if (length > MAX_IMAGE_BYTES) {
            throw new PaddockException.InvalidValue("An image is at most " + MAX_IMAGE_BYTES / GIB + " GiB; this one"
                    + " is " + length / GIB + " GiB.");
        }
        String hostId = hostFor(datastore, ctx.queryParam("host"));
        String pool = datastore.pools().get(hostId);
        refuseTaken(datastore, name, hostId, pool);
        long free = freeBytes(datastore);
        if (length > free) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' has " + mib(free)
                    + " MiB free; the image is " + mib(length) + " MiB.");
        }
        MessageDigest digest = sha256();
        VolumeFacts volume;
        try (InputStream body = new DigestInputStream(ctx.req().getInputStream(), digest)) {
            volume = hypervisor.uploadVolume(hostId, pool, name, length, body);
        } catch (IOException e) {
            throw new PaddockException.BadRequest("The upload of image '" + name + "' could not be read: "
                    + e.getMessage());
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (expected.isPresent() && !expected.get().equals(actual)) {
            hypervisor.deleteVolume(hostId, pool, name);
            throw new PaddockException.InvalidValue("The upload of image '" + name + "' does not match its checksum:"
                    + " expected SHA-256 " + expected.get() + ", received " + actual + "; nothing was kept.");
        }
        record(ctx, datastore, name, hostId, pool, volume, actual, "upload");
    }

    /** {@code POST /datastores/{id}/images/import} {@code {"name", "host", "path"}}: a file on a host into the library. */
    private void importFromHost(Context ctx) {
        Datastore datastore = datastoreOf(InventoryRoutes.id(ctx));
        Requests.ImportImage request = RequestBody.read(ctx, Requests.ImportImage.class);
        String name = Requests.name(request.name(), "name");
        String path = Requests.required(request.path(), "path");
        if (!path.startsWith("/")) {
            throw new PaddockException.InvalidValue("Field 'path' must be an absolute path on the host, not '" + path
                    + "'.");
        }
        String hostId = hostFor(datastore, request.host());
        String pool = datastore.pools().get(hostId);
        refuseTaken(datastore, name, hostId, pool);
        VolumeFacts volume = hypervisor.importVolume(hostId, pool, name, path);
        MessageDigest digest = sha256();
        try {
            hypervisor.downloadVolume(hostId, pool, name, new DigestingSink(digest));
        } catch (RuntimeException e) {
            hypervisor.deleteVolume(hostId, pool, name);
            throw e;
        }
        record(ctx, datastore, name, hostId, pool, volume, HexFormat.of().formatHex(digest.digest()), "import");
    }

    private void record(Context ctx, Datastore datastore, String name, String hostId, String pool, VolumeFacts volume,
            String sha256, String how) {
        String format = volume.format().isEmpty() ? "raw" : volume.format().toLowerCase(Locale.ROOT);
        if (!Image.FORMATS.contains(format)) {
            hypervisor.deleteVolume(hostId, pool, name);
            throw new PaddockException.InvalidValue("Image '" + name + "' is in " + format + " format; the library"
                    + " takes qcow2, raw and iso images. Nothing was kept.");
        }
        Image image = new Image(InventoryRoutes.newId(), datastore.id(), name, volume.name(), format,
                volume.capacityBytes(), sha256);
        try {
            store.put(image);
        } catch (RuntimeException e) {
            hypervisor.deleteVolume(hostId, pool, name);
            throw e instanceof dev.paddock.store.DuplicateNameException
                    ? InventoryRoutes.duplicate("image", name) : e;
        }
        audit.record(ctx, new AuditNote("image." + how, image.id(), how + " image " + name + " (" + format + ", sha256 "
                + sha256 + ") into datastore " + datastore.name() + " through host " + hostId));
        InventoryRoutes.created(ctx, "images", image.id(), image);
    }

    /**
     * What the datastore has free now, as a host where its pool is started reports it (a datastore just made has not
     * been listed by discovery yet); what was recorded last when no host answers.
     */
    long freeBytes(Datastore datastore) {
        if (!datastore.backedByPools()) {
            return datastore.freeBytes();
        }
        try {
            String hostId = hostFor(datastore, null);
            String pool = datastore.pools().get(hostId);
            return hypervisor.pools(hostId).stream().filter(p -> p.name().equals(pool)).findFirst()
                    .map(p -> p.availableBytes()).orElse(datastore.freeBytes());
        } catch (RuntimeException e) {
            return datastore.freeBytes();
        }
    }

    /** The datastore's volume of that name, as a host where its pool is started lists it. */
    Optional<VolumeFacts> volume(Datastore datastore, String name) {
        String hostId = hostFor(datastore, null);
        return hypervisor.volumes(hostId, datastore.pools().get(hostId)).stream()
                .filter(volume -> volume.name().equals(name)).findFirst();
    }

    /** Refused before a byte moves: a library name, or a volume of the pool, already taken. */
    private void refuseTaken(Datastore datastore, String name, String hostId, String pool) {
        if (store.images().stream().anyMatch(i -> i.datastoreId().equals(datastore.id()) && i.name().equals(name))) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' has an image named '" + name
                    + "' already.");
        }
        if (hypervisor.volumes(hostId, pool).stream().anyMatch(volume -> volume.name().equals(name))) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' has a volume named '" + name
                    + "' already; choose another image name.");
        }
    }

    /** The host through which the datastore's pool is reached: the one asked for, or the first where it is started. */
    private String hostFor(Datastore datastore, String asked) {
        if (!datastore.backedByPools()) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' was declared by hand: it has no"
                    + " storage pool to hold images.");
        }
        if (asked != null) {
            String hostId = store.host(asked).map(dev.paddock.model.Host::id).or(() -> store.room().hosts().stream()
                    .filter(h -> h.name().equals(asked)).map(dev.paddock.model.Host::id).findFirst())
                    .orElseThrow(() -> new PaddockException.InvalidValue("Field 'host' names no host: '" + asked + "'."));
            if (!datastore.pools().containsKey(hostId)) {
                throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' is not started on host '"
                        + asked + "'.");
            }
            return hostId;
        }
        List<String> candidates = DatastoreRoutes.poolHosts(datastore);
        return candidates.stream().filter(hypervisor::isConnected).findFirst()
                .orElseThrow(() -> new PaddockException.Conflict("Datastore '" + datastore.name() + "' is started on"
                        + " no connected host" + (candidates.isEmpty() ? "." : " (its hosts: "
                        + String.join(", ", candidates) + ").")));
    }

    /** Removes an image and its volume: refused while a template names it or a VM's disk is a layer over it. */
    private void delete(Context ctx) {
        Image image = image(ctx);
        List<String> templates = store.templates().stream().filter(t -> t.imageId().equals(image.id()))
                .map(Template::name).sorted().toList();
        if (!templates.isEmpty()) {
            throw new PaddockException.Conflict("Image '" + image.name() + "' is the image of template(s) "
                    + String.join(", ", templates) + ": delete them first.");
        }
        List<String> layered = store.room().vms().stream()
                .filter(vm -> vm.disks().stream().anyMatch(d -> d.linked() && d.image().equals(Optional.of(image.id()))))
                .map(Vm::name).sorted().toList();
        if (!layered.isEmpty()) {
            throw new PaddockException.Conflict("Image '" + image.name() + "' backs the linked clones of VM(s) "
                    + String.join(", ", layered.subList(0, Math.min(5, layered.size())))
                    + (layered.size() > 5 ? ", ..." : "") + ": delete them first.");
        }
        Datastore datastore = store.datastore(image.datastoreId()).orElse(null);
        if (datastore != null && datastore.backedByPools()) {
            String hostId = hostFor(datastore, null);
            hypervisor.deleteVolume(hostId, datastore.pools().get(hostId), image.volume());
        }
        store.deleteImage(image.id());
        audit.record(ctx, new AuditNote("image.delete", image.id(), "delete image " + image.name()));
        ctx.status(204);
    }

    private void createTemplate(Context ctx) {
        Requests.NewTemplate request = RequestBody.read(ctx, Requests.NewTemplate.class);
        String name = Requests.name(request.name(), "name");
        String imageName = Requests.required(request.image(), "image");
        Image image = imageNamed(imageName).orElseThrow(() -> new PaddockException.InvalidValue(
                "Field 'image' names no image: '" + imageName + "'."));
        if (!image.holdsDisk()) {
            throw new PaddockException.InvalidValue("Image '" + image.name() + "' is an ISO image; a template's disk is"
                    + " cloned from a qcow2 or raw image.");
        }
        int vcpus = (int) Requests.between(Requests.required(request.vcpus(), "vcpus"), 1, 1024, "vcpus", " vCPUs");
        long memory = Requests.between(Requests.required(request.memoryMib(), "memoryMib"), 1, 1L << 24,
                "memoryMib", " MiB");
        long smallest = Math.max(1, (image.sizeBytes() + GIB - 1) / GIB);
        long disk = request.diskGib() == null ? smallest
                : Requests.between(request.diskGib(), smallest, 1L << 16, "diskGib",
                        " GiB (the image is " + smallest + " GiB)");
        Firmware firmware = firmware(request.firmware());
        List<BootDevice> boot = bootOrder(request.boot());
        Template template = new Template(InventoryRoutes.newId(), name, image.id(), vcpus, memory, disk, firmware, boot);
        InventoryRoutes.put(() -> store.put(template), "template", name);
        audit.record(ctx, new AuditNote("template.create", template.id(), "create template " + name + " of image "
                + image.name()));
        InventoryRoutes.created(ctx, "templates", template.id(), template);
    }

    private void deleteTemplate(Context ctx) {
        Template template = template(ctx);
        store.deleteTemplate(template.id());
        audit.record(ctx, new AuditNote("template.delete", template.id(), "delete template " + template.name()));
        ctx.status(204);
    }

    /** "bios" or "uefi", any case; absent is BIOS. */
    static Firmware firmware(String value) {
        if (value == null) {
            return Firmware.BIOS;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "bios" -> Firmware.BIOS;
            case "uefi", "efi" -> Firmware.UEFI;
            default -> throw new PaddockException.InvalidValue("Field 'firmware' must be bios or uefi, not '" + value
                    + "'.");
        };
    }

    /** ["disk", "network", "cdrom"] in order, each once; absent is the first disk alone. */
    static List<BootDevice> bootOrder(List<String> values) {
        if (values == null) {
            return List.of();
        }
        List<BootDevice> order = new ArrayList<>();
        for (String value : values) {
            BootDevice device = switch (value == null ? "" : value.toLowerCase(Locale.ROOT)) {
                case "disk", "hd" -> BootDevice.DISK;
                case "cdrom" -> BootDevice.CDROM;
                case "network", "pxe" -> BootDevice.NETWORK;
                default -> throw new PaddockException.InvalidValue("Field 'boot' lists disk, cdrom and network, not '"
                        + value + "'.");
            };
            if (order.contains(device)) {
                throw new PaddockException.InvalidValue("Field 'boot' names " + value + " twice.");
            }
            order.add(device);
        }
        return order;
    }

    private static String checksum(String value) {
        String hex = value.toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new PaddockException.InvalidValue("Parameter 'sha256' must be 64 hex digits, not '" + value + "'.");
        }
        return hex;
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM offers no SHA-256", e);
        }
    }

    /** An output that only feeds a digest. */
    private static final class DigestingSink extends OutputStream {
        private final MessageDigest digest;

        DigestingSink(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            digest.update(bytes, offset, length);
        }
    }
}
