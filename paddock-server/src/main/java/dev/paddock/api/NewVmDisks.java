package dev.paddock.api;

import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Image;
import dev.paddock.model.NfsExport;
import dev.paddock.model.Nic;
import dev.paddock.model.Template;
import dev.paddock.model.Vm;
import dev.paddock.operation.plan.Step;
import dev.paddock.provisioning.CloudInit;
import dev.paddock.store.InventoryStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The disks and cloud-init seed of a VM being created, read from its request and checked before anything is
 * placed: each disk a linked or full clone of an image (a template's image first) or an empty volume of a size, on a
 * datastore backed by storage pools or on an nfs datastore, within its free space; then, once a host is chosen, the
 * steps that make them there (on an nfs datastore, the server makes them on the export).
 *
 * @param disks the VM's disks, the seed last
 * @param sources for each disk made from an image, that image; by disk name
 * @param cloudInit the seed's contents, its NIC's MAC still a placeholder
 * @param existing the names of the disks that are volumes already there, used as they are
 */
record NewVmDisks(List<Disk> disks, Map<String, Image> sources, Optional<CloudInit> cloudInit,
        java.util.Set<String> existing) {

    private static final long GIB = 1L << 30;
    /** Stands for the first NIC's MAC until the decision gives it one. */
    static final String PLACEHOLDER_MAC = "52:54:00:00:00:00";
    static final String SEED = "seed";

    /** Nothing: a VM without disks. */
    static final NewVmDisks NONE = new NewVmDisks(List.of(), Map.of(), Optional.empty(), java.util.Set.of());

    static NewVmDisks of(Requests.NewVm request, Optional<Template> template, String vmName, String vmId,
            boolean hasNic, InventoryStore store, ImageRoutes images) {
        List<Disk> disks = new ArrayList<>();
        Map<String, Image> sources = new HashMap<>();
        java.util.Set<String> existing = new java.util.HashSet<>();
        String suffix = vmId.substring(0, Math.min(8, vmId.length()));
        boolean fullByDefault = "full".equalsIgnoreCase(request.cloneMode());
        if (request.cloneMode() != null && !request.cloneMode().equalsIgnoreCase("full")
                && !request.cloneMode().equalsIgnoreCase("linked")) {
            throw new PaddockException.InvalidValue("Field 'clone' must be linked or full, not '" + request.cloneMode()
                    + "'.");
        }
        if (template.isPresent()) {
            Image image = store.image(template.get().imageId()).orElseThrow(() -> new PaddockException.Conflict(
                    "Template '" + template.get().name() + "' names an image that is gone; create the template"
                            + " again."));
            Datastore datastore = datastore(store, image.datastoreId(), "template '" + template.get().name() + "'");
            disks.add(clone("root", datastore, image, template.get().diskGib(), !fullByDefault, vmName, suffix));
            sources.put("root", image);
        }
        List<Requests.NewDisk> requested = request.disks() == null ? List.of() : request.disks();
        for (int i = 0; i < requested.size(); i++) {
            String field = "disks[" + i + "]";
            Requests.NewDisk asked = Requests.required(requested.get(i), field);
            String name = disks.isEmpty() ? "root" : "disk" + disks.size();
            disks.add(disk(asked, field, name, fullByDefault, vmName, suffix, store, images, sources, existing));
        }
        refuseOverfull(disks, sources, existing, store, images);
        Optional<CloudInit> cloudInit = cloudInit(request.cloudInit(), vmName, hasNic);
        if (cloudInit.isPresent()) {
            if (disks.isEmpty()) {
                throw new PaddockException.InvalidValue("Field 'cloudInit' needs a disk to boot: give a template or"
                        + " a disk made from an image.");
            }
            disks.add(new Disk(SEED, disks.getFirst().datastoreId(), 0, vmName + "-" + suffix + "-seed.iso", "raw",
                    true, Optional.empty(), false));
        }
        return new NewVmDisks(disks, sources, cloudInit, existing);
    }

    /** One disk asked for in {@code field}: a clone of an image, an existing volume, or an empty volume. */
    private static Disk disk(Requests.NewDisk asked, String field, String name, boolean fullByDefault, String vmName,
            String suffix, InventoryStore store, ImageRoutes images, Map<String, Image> sources,
            java.util.Set<String> existing) {
        if (asked.image() != null) {
            Image image = images.imageNamed(asked.image()).orElseThrow(() -> new PaddockException.InvalidValue(
                    "Field '" + field + ".image' names no image: '" + asked.image() + "'."));
            if (!image.holdsDisk()) {
                throw new PaddockException.InvalidValue("Field '" + field + ".image' names ISO image '"
                        + image.name() + "'; a disk is cloned from a qcow2 or raw image.");
            }
            boolean linked = asked.cloneMode() == null ? !fullByDefault : switch (asked.cloneMode().toLowerCase(Locale.ROOT)) {
                case "linked" -> true;
                case "full" -> false;
                default -> throw new PaddockException.InvalidValue("Field '" + field + ".clone' must be linked or"
                        + " full, not '" + asked.cloneMode() + "'.");
            };
            if (asked.datastore() != null && !datastoreOf(store, asked.datastore(), field).id()
                    .equals(image.datastoreId())) {
                throw new PaddockException.InvalidValue("Field '" + field + ".datastore': a clone is made in the"
                        + " datastore of its image '" + image.name() + "'; leave the datastore out.");
            }
            Datastore datastore = datastore(store, image.datastoreId(), "image '" + image.name() + "'");
            long imageGib = Math.max(1, (image.sizeBytes() + GIB - 1) / GIB);
            long size = asked.sizeGib() == null ? imageGib : Requests.between(asked.sizeGib(), imageGib, 1L << 16,
                    field + ".sizeGib", " GiB (image '" + image.name() + "' is " + imageGib + " GiB)");
            sources.put(name, image);
            return clone(name, datastore, image, size, linked, vmName, suffix);
        } else if (asked.volume() != null) {
            Datastore datastore = datastoreOf(store, Requests.required(asked.datastore(), field + ".datastore"),
                    field);
            dev.paddock.hypervisor.VolumeFacts volume = images.volume(datastore, asked.volume()).orElseThrow(
                    () -> new PaddockException.InvalidValue("Field '" + field + ".volume' names no volume of"
                            + " datastore '" + datastore.name() + "': '" + asked.volume() + "'."));
            store.room().vms().stream().filter(vm -> vm.disks().stream().anyMatch(d -> d.datastoreId()
                    .equals(datastore.id()) && d.volume().equals(volume.name()))).findFirst().ifPresent(vm -> {
                        throw new PaddockException.Conflict("Volume '" + volume.name() + "' of datastore '"
                                + datastore.name() + "' is a disk of VM '" + vm.name() + "' already.");
                    });
            String format = volume.format().equals("qcow2") ? "qcow2" : "raw";
            long size = Math.max(1, (volume.capacityBytes() + GIB - 1) / GIB);
            existing.add(name);
            return new Disk(name, datastore.id(), size, volume.name(), format, false, Optional.empty(), false);
        } else {
            Datastore datastore = datastoreOf(store, Requests.required(asked.datastore(), field + ".datastore"),
                    field);
            if (!holdsDisks(datastore)) {
                throw new PaddockException.InvalidValue("Field '" + field + ".datastore' names datastore '"
                        + datastore.name() + "', declared by hand: Paddock can make disks only on storage pools and"
                        + " nfs datastores.");
            }
            long size = Requests.between(Requests.required(asked.sizeGib(), field + ".sizeGib"), 1, 1L << 16,
                    field + ".sizeGib", " GiB");
            return Disk.empty(name, datastore.id(), size, volumeName(vmName, suffix, name, "qcow2"));
        }
    }

    /**
     * The disks {@code requested} adds to {@code vm} (asked in the field {@code field}): each named diskN after the
     * disks it has, and its volume named so that no volume of its datastore has that name already (a disk removed
     * earlier keeps its volume); checked against its datastore's free space like a new VM's.
     */
    static NewVmDisks added(List<Requests.NewDisk> requested, String field, Vm vm, InventoryStore store,
            ImageRoutes images) {
        List<Disk> disks = new ArrayList<>();
        Map<String, Image> sources = new HashMap<>();
        java.util.Set<String> existing = new java.util.HashSet<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        vm.disks().forEach(disk -> names.add(disk.name()));
        String suffix = vm.id().substring(0, Math.min(8, vm.id().length()));
        int next = vm.disks().size();
        for (int i = 0; i < requested.size(); i++) {
            String at = field + "[" + i + "]";
            Requests.NewDisk asked = Requests.required(requested.get(i), at);
            Disk disk;
            do {
                while (names.contains("disk" + next)) {
                    next++;
                }
                disk = disk(asked, at, "disk" + next++, false, vm.name(), suffix, store, images, sources, existing);
            } while (!existing.contains(disk.name()) && volumeTaken(store, images, disk));
            names.add(disk.name());
            disks.add(disk);
        }
        refuseOverfull(disks, sources, existing, store, images);
        return new NewVmDisks(disks, sources, Optional.empty(), existing);
    }

    private static boolean volumeTaken(InventoryStore store, ImageRoutes images, Disk disk) {
        return store.datastore(disk.datastoreId()).flatMap(datastore -> images.volume(datastore, disk.volume()))
                .isPresent();
    }

    /**
     * Each disk's volume made on {@code hostId}, then the seed written: the steps before the domain is defined. A disk
     * on an NFS datastore is made by the server on the export, whichever host the VM goes to.
     */
    List<Step> steps(String hostId, Map<String, Datastore> datastores, String vmId, List<Nic> nics) {
        List<Step> steps = new ArrayList<>();
        for (Disk disk : disks) {
            if (existing.contains(disk.name())) {
                continue;
            }
            Optional<NfsExport> export = datastores.get(disk.datastoreId()).nfsExport();
            if (export.isPresent()) {
                steps.add(nfsStep(disk, export.get(), vmId, nics));
                continue;
            }
            String pool = datastores.get(disk.datastoreId()).pools().get(hostId);
            if (disk.name().equals(SEED) && disk.readOnly() && cloudInit.isPresent()) {
                CloudInit seed = withMac(cloudInit.get(), nics);
                steps.add(new Step.WriteSeed(hostId, pool, disk.volume(), seed.metaData(vmId), seed.userData(),
                        seed.networkConfig().orElse("")));
            } else if (disk.image().isPresent()) {
                Image image = sources.get(disk.name());
                steps.add(new Step.CloneVolume(hostId, pool, disk.volume(), image.volume(), disk.linked(),
                        disk.sizeGib() * GIB));
            } else {
                steps.add(new Step.CreateVolume(hostId, pool, disk.volume(), disk.sizeGib() * 1024, disk.format()));
            }
        }
        return steps;
    }

    private Step nfsStep(Disk disk, NfsExport export, String vmId, List<Nic> nics) {
        if (disk.name().equals(SEED) && disk.readOnly() && cloudInit.isPresent()) {
            CloudInit seed = withMac(cloudInit.get(), nics);
            return new Step.WriteNfsSeed(disk.datastoreId(), export, disk.volume(), seed.metaData(vmId),
                    seed.userData(), seed.networkConfig().orElse(""));
        }
        if (disk.image().isPresent()) {
            Image image = sources.get(disk.name());
            return new Step.CloneNfsVolume(disk.datastoreId(), export, disk.volume(), image.volume(), image.format(),
                    disk.linked(), Math.max(disk.sizeGib() * GIB, image.sizeBytes()));
        }
        return new Step.CreateNfsVolume(disk.datastoreId(), export, disk.volume(), disk.format(),
                disk.sizeGib() * GIB);
    }

    /**
     * The NICs with the static address the seed gives the first of them recorded on it (when its addresses were not
     * given), so that a switch guarding its port lets the guest send from it.
     */
    List<Nic> withSeedAddress(List<Nic> nics) {
        if (nics.isEmpty() || !nics.getFirst().addresses().isEmpty()) {
            return nics;
        }
        return cloudInit.flatMap(CloudInit::network).map(network -> {
            if (!(network instanceof CloudInit.Static fixed)) {
                return nics;
            }
            List<Nic> given = new java.util.ArrayList<>(nics);
            int slash = fixed.address().indexOf('/');
            String address = slash < 0 ? fixed.address() : fixed.address().substring(0, slash);
            given.set(0, nics.getFirst().withAddresses(List.of(address)));
            return List.copyOf(given);
        }).orElse(nics);
    }

    private static CloudInit withMac(CloudInit seed, List<Nic> nics) {
        return seed.network().map(network -> new CloudInit(seed.hostname(), seed.users(), Optional.of(
                switch (network) {
                    case CloudInit.Dhcp ignored -> (CloudInit.Network) new CloudInit.Dhcp(nics.getFirst().mac());
                    case CloudInit.Static fixed -> new CloudInit.Static(nics.getFirst().mac(), fixed.address(),
                            fixed.gateway(), fixed.dns());
                }))).orElse(seed);
    }

    private static Disk clone(String name, Datastore datastore, Image image, long sizeGib, boolean linked,
            String vmName, String suffix) {
        String format = linked ? "qcow2" : image.format();
        return new Disk(name, datastore.id(), sizeGib, volumeName(vmName, suffix, name, format), format, false,
                Optional.of(image.id()), linked);
    }

    private static String volumeName(String vmName, String suffix, String disk, String format) {
        return vmName + "-" + suffix + "-" + disk + "." + (format.equals("raw") ? "img" : format);
    }

    /**
     * Refuses disks their datastore cannot hold: the sizes asked on each datastore (a full copy takes its image's
     * size at least) against the free space its pool reports now.
     */
    private static void refuseOverfull(List<Disk> disks, Map<String, Image> sources, java.util.Set<String> existing,
            InventoryStore store, ImageRoutes images) {
        Map<String, Long> asked = new HashMap<>();
        for (Disk disk : disks) {
            if (existing.contains(disk.name())) {
                continue;
            }
            long bytes = disk.sizeGib() * GIB;
            if (!disk.linked() && disk.image().isPresent()) {
                bytes = Math.max(bytes, sources.get(disk.name()).sizeBytes());
            }
            asked.merge(disk.datastoreId(), bytes, Long::sum);
        }
        asked.forEach((datastoreId, bytes) -> {
            Datastore datastore = store.datastore(datastoreId).orElseThrow();
            long free = images.freeBytes(datastore);
            if (bytes > free) {
                throw new PaddockException.Conflict("Datastore '" + datastore.name() + "' has "
                        + gib(free) + " GiB free; the VM's disks on it ask " + gib(bytes) + " GiB.");
            }
        });
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) GIB);
    }

    private static Optional<CloudInit> cloudInit(Requests.NewCloudInit asked, String vmName, boolean hasNic) {
        if (asked == null) {
            return Optional.empty();
        }
        try {
            List<CloudInit.User> users = new ArrayList<>();
            for (Requests.NewUser user : asked.users() == null ? List.<Requests.NewUser>of() : asked.users()) {
                Requests.required(user, "cloudInit.users[]");
                users.add(new CloudInit.User(Requests.required(user.name(), "cloudInit.users[].name"),
                        user.sshKeys() == null ? List.of() : user.sshKeys(), Boolean.TRUE.equals(user.sudo())));
            }
            Optional<CloudInit.Network> network = Optional.empty();
            if (asked.network() != null) {
                if (!hasNic) {
                    throw new PaddockException.InvalidValue("Field 'cloudInit.network' configures the VM's first NIC;"
                            + " give the VM a NIC in 'nics'.");
                }
                Requests.NewGuestNetwork guest = asked.network();
                network = Optional.of(Boolean.TRUE.equals(guest.dhcp()) || guest.address() == null
                        ? new CloudInit.Dhcp(PLACEHOLDER_MAC)
                        : new CloudInit.Static(PLACEHOLDER_MAC, guest.address(), Optional.ofNullable(guest.gateway()),
                                guest.dns() == null ? List.of() : guest.dns()));
            }
            return Optional.of(new CloudInit(asked.hostname() == null ? vmName : asked.hostname(), users, network));
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue("Field 'cloudInit': " + e.getMessage());
        }
    }

    private static Datastore datastore(InventoryStore store, String id, String of) {
        Datastore datastore = store.datastore(id).orElseThrow(() -> new PaddockException.Conflict("The datastore of "
                + of + " is gone."));
        if (!holdsDisks(datastore)) {
            throw new PaddockException.Conflict("The datastore of " + of + " was declared by hand: Paddock can clone"
                    + " only on storage pools and nfs datastores.");
        }
        return datastore;
    }

    /** Storage pools, whose hosts make the volumes, or an NFS export, whose files the server makes itself. */
    private static boolean holdsDisks(Datastore datastore) {
        return datastore.backedByPools() || datastore.nfsExport().isPresent();
    }

    private static Datastore datastoreOf(InventoryStore store, String idOrName, String field) {
        return ImageRoutes.datastoreNamed(store, idOrName)
                .orElseThrow(() -> new PaddockException.InvalidValue("Field '" + field + ".datastore' names no"
                        + " datastore: '" + idOrName + "'."));
    }
}
