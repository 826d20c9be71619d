package dev.paddock.api;

import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.BootDevice;
import dev.paddock.model.Datastore;
import dev.paddock.model.Firmware;
import dev.paddock.model.Image;
import dev.paddock.model.NfsExport;
import dev.paddock.model.Template;
import dev.paddock.model.Vm;
import dev.paddock.security.Permission;
import dev.paddock.storage.LibnfsExports;
import dev.paddock.storage.NfsExports;
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
 * <p>On an nfs datastore (an export no host mounts) the server writes an upload to the export itself over NFS, and
 * qemu-img says what it holds; a file on a host cannot be imported there, as no host's libvirt reaches the export.
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
    private final NfsExports nfs;

    ImageRoutes(InventoryStore store, Hypervisor hypervisor, AuditTrail audit) {
        this(store, hypervisor, audit, new LibnfsExports());
    }

    ImageRoutes(InventoryStore store, Hypervisor hypervisor, AuditTrail audit, NfsExports nfs) {
        this.store = store;
        this.hypervisor = hypervisor;
        this.audit = audit;
        this.nfs = nfs;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE;
        routes.list(base + "/images", Permission.IMAGE_READ, this::list);
        routes.get(base + "/images/{id}", Permission.IMAGE_READ, ctx -> ctx.json(image(ctx)));
        routes.delete(base + "/images/{id}", Permission.IMAGE_MANAGE, this::delete);
        routes.expensive().upTo(MAX_IMAGE_BYTES).post(base + "/datastores/{id}/images", Permission.IMAGE_MANAGE,
                this::upload);
        routes.expensive().post(base + "/datastores/{id}/images/import", Permission.IMAGE_MANAGE, this::importFromHost);
        routes.list(base + "/templates", Permission.IMAGE_READ, ctx -> ctx.json(InventoryRoutes.whole(
                Visible.to(ctx).only(store.templates(), Visible.to(ctx)::template))));
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
        ctx.json(InventoryRoutes.whole(Visible.to(ctx).only(images, Visible.to(ctx)::image)));
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
        if (datastore.nfsExport().isPresent()) {
            uploadToNfs(ctx, datastore, datastore.nfsExport().get(), name, expected, length);
            return;
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

    /**
     * An upload onto an nfs datastore: written by the server over NFS as it arrives, checksummed on the way; then
     * qemu-img says its format and size (an ISO 9660 image, which it calls raw, by the signature seen on the way). A
     * mismatch, a format the library does not take, or a qcow2 layer over another file leaves nothing.
     */
    private void uploadToNfs(Context ctx, Datastore datastore, NfsExport export, String name,
            Optional<String> expected, long length) {
        refuseImageName(datastore, name);
        if (nfsAnswer(() -> nfs.file(export, name)).isPresent()) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' has a file named '" + name
                    + "' already; choose another image name.");
        }
        long free = freeBytes(datastore);
        if (length > free) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' has " + mib(free)
                    + " MiB free; the image is " + mib(length) + " MiB.");
        }
        MessageDigest digest = sha256();
        IsoSignature signature;
        try (InputStream body = new DigestInputStream(ctx.req().getInputStream(), digest)) {
            signature = new IsoSignature(body);
            nfsAnswer(() -> {
                try {
                    nfs.write(export, name, length, signature);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return null;
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new PaddockException.BadRequest("The upload of image '" + name + "' could not be read: "
                    + (e instanceof java.io.UncheckedIOException unchecked ? unchecked.getCause() : e).getMessage()
                    + "; nothing was kept.");
        }
        Runnable discard = () -> nfs.delete(export, name);
        String actual = HexFormat.of().formatHex(digest.digest());
        if (expected.isPresent() && !expected.get().equals(actual)) {
            discard.run();
            throw new PaddockException.InvalidValue("The upload of image '" + name + "' does not match its checksum:"
                    + " expected SHA-256 " + expected.get() + ", received " + actual + "; nothing was kept.");
        }
        NfsExports.ImageFacts facts;
        try {
            facts = nfs.image(export, name);
        } catch (NfsExports.NfsException e) {
            discard.run();
            throw new PaddockException.Conflict(e.getMessage() + " Nothing was kept.");
        }
        if (facts.backingFile().isPresent()) {
            discard.run();
            throw new PaddockException.InvalidValue("Image '" + name + "' is a qcow2 layer over "
                    + facts.backingFile().get() + "; the library takes whole images. Nothing was kept.");
        }
        String format = facts.format().equals("raw") && signature.seen() ? "iso" : facts.format();
        record(ctx, datastore, name, name, format, facts.virtualBytes(), actual, "upload into datastore " + datastore.name()
                + " over NFS (" + export.key() + ")", discard);
    }

    /** What the NFS server answers; one that does not is a 409, the datastore's state, with the reason. */
    private static <T> T nfsAnswer(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (NfsExports.NfsException e) {
            throw new PaddockException.Conflict(e.getMessage());
        }
    }

    /** {@code POST /datastores/{id}/images/import} {@code {"name", "host", "path"}}: a file on a host into the library. */
    private void importFromHost(Context ctx) {
        Datastore datastore = datastoreOf(InventoryRoutes.id(ctx));
        if (datastore.nfsExport().isPresent()) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' is an NFS export that no host"
                    + " mounts, so no host can copy a file into it: upload the image instead (POST /api/v1/datastores/"
                    + datastore.id() + "/images).");
        }
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
        record(ctx, datastore, name, volume.name(), format, volume.capacityBytes(), sha256, how + " into datastore "
                + datastore.name() + " through host " + hostId, () -> hypervisor.deleteVolume(hostId, pool, name));
    }

    /**
     * Records the image {@code name}, held as {@code volume} (a pool's volume or an export's file), or runs {@code discard} and refuses it when
     * the library does not take its format or the name is taken meanwhile.
     *
     * @param how what brought it, its first word the audit kind's ("upload ..." or "import ...")
     */
    private void record(Context ctx, Datastore datastore, String name, String volume, String format, long sizeBytes,
            String sha256, String how, Runnable discard) {
        if (!Image.FORMATS.contains(format)) {
            discard.run();
            throw new PaddockException.InvalidValue("Image '" + name + "' is in " + format + " format; the library"
                    + " takes qcow2, raw and iso images. Nothing was kept.");
        }
        Image image = new Image(InventoryRoutes.newId(), datastore.id(), name, volume, format, sizeBytes, sha256);
        try {
            store.put(image);
        } catch (RuntimeException e) {
            discard.run();
            throw e instanceof dev.paddock.store.DuplicateNameException
                    ? InventoryRoutes.duplicate("image", name) : e;
        }
        String kind = how.substring(0, how.indexOf(' '));
        audit.record(ctx, new AuditNote("image." + kind, image.id(), kind + " image " + name + " (" + format + ", sha256 "
                + sha256 + ")" + how.substring(kind.length())));
        InventoryRoutes.created(ctx, "images", image.id(), image);
    }

    /**
     * What the datastore has free now, as a host where its pool is started reports it (a datastore just made has not
     * been listed by discovery yet); what was recorded last when no host answers.
     */
    long freeBytes(Datastore datastore) {
        if (datastore.nfsExport().isPresent()) {
            try {
                return nfs.usage(datastore.nfsExport().get()).freeBytes();
            } catch (NfsExports.NfsException e) {
                return datastore.freeBytes();
            }
        }
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
        if (datastore.nfsExport().isPresent()) {
            return NfsExport.isFileName(name) ? nfsAnswer(() -> nfs.file(datastore.nfsExport().get(), name))
                    : Optional.empty();
        }
        String hostId = hostFor(datastore, null);
        return hypervisor.volumes(hostId, datastore.pools().get(hostId)).stream()
                .filter(volume -> volume.name().equals(name)).findFirst();
    }

    /** Refused before a byte moves: a library name, or a volume of the pool, already taken. */
    private void refuseTaken(Datastore datastore, String name, String hostId, String pool) {
        refuseImageName(datastore, name);
        if (hypervisor.volumes(hostId, pool).stream().anyMatch(volume -> volume.name().equals(name))) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' has a volume named '" + name
                    + "' already; choose another image name.");
        }
    }

    private void refuseImageName(Datastore datastore, String name) {
        if (store.images().stream().anyMatch(i -> i.datastoreId().equals(datastore.id()) && i.name().equals(name))) {
            throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' has an image named '" + name
                    + "' already.");
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
        if (datastore != null && datastore.nfsExport().isPresent()) {
            nfsAnswer(() -> nfs.delete(datastore.nfsExport().get(), image.volume()));
        } else if (datastore != null && datastore.backedByPools()) {
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

    /**
     * A body read through, noting whether it carries the ISO 9660 signature ("CD001" at byte 32769), which qemu-img
     * does not tell from raw.
     */
    private static final class IsoSignature extends java.io.FilterInputStream {
        private static final long AT = 32769;
        private static final byte[] CD001 = "CD001".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private final byte[] seen = new byte[CD001.length];
        private long position;

        IsoSignature(InputStream body) {
            super(body);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                note((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int read = super.read(bytes, offset, length);
            for (int i = 0; i < read; i++) {
                note(bytes[offset + i]);
            }
            return read;
        }

        private void note(byte b) {
            if (position >= AT && position < AT + CD001.length) {
                seen[(int) (position - AT)] = b;
            }
            position++;
        }

        boolean seen() {
            return java.util.Arrays.equals(seen, CD001);
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
