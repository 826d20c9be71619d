package dev.paddock.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.paddock.hypervisor.BackupExport;
import dev.paddock.hypervisor.BackupRequest;
import dev.paddock.hypervisor.Checkpoint;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.jna.DomainPointer;
import org.libvirt.jna.Libvirt;
import org.libvirt.jna.virError;
import org.w3c.dom.Element;

/**
 * Pull-mode backups and checkpoints (virDomainBackupBegin, virDomainCheckpoint*), which libvirt-java 0.5.4 does not
 * bind: called through JNA on the pointer of the library's own {@link Domain}. Strings libvirt returns are freed
 * here; checkpoint objects are freed after each call.
 */
final class DomainBackups {

    /** virDomainCheckpointCreateFlags VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE. */
    private static final int CREATE_REDEFINE = 1;
    /** virDomainCheckpointListFlags VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL: parents before their children. */
    private static final int LIST_TOPOLOGICAL = 2;
    /** virDomainCheckpointXMLFlags VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN. */
    private static final int XML_NO_DOMAIN = 2;
    /** virDomainCheckpointDeleteFlags VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY. */
    private static final int DELETE_METADATA_ONLY = 2;
    /** virErrorNumber VIR_ERR_NO_DOMAIN_CHECKPOINT. */
    private static final int NO_CHECKPOINT = 103;
    /** Where a host keeps a pull backup's scratch files: local to the host, there on every Linux. */
    private static final String SCRATCH_DIRECTORY = "/var/tmp";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:-]{1,253}");

    private interface Virt extends Library {
        int virDomainBackupBegin(DomainPointer domain, String backupXml, String checkpointXml, int flags);

        Pointer virDomainBackupGetXMLDesc(DomainPointer domain, int flags);

        int virDomainListAllCheckpoints(DomainPointer domain, PointerByReference checkpoints, int flags);

        Pointer virDomainCheckpointCreateXML(DomainPointer domain, String xml, int flags);

        Pointer virDomainCheckpointLookupByName(DomainPointer domain, String name, int flags);

        Pointer virDomainCheckpointGetXMLDesc(Pointer checkpoint, int flags);

        int virDomainCheckpointDelete(Pointer checkpoint, int flags);

        int virDomainCheckpointFree(Pointer checkpoint);
    }

    private static final Virt VIRT = Native.load("virt", Virt.class);

    private DomainBackups() {}

    /** Begins the pull-mode backup {@code request} describes; see {@link dev.paddock.hypervisor.Hypervisor#beginBackup}. */
    static BackupExport begin(Domain domain, BackupRequest request) throws LibvirtException {
        String name = domain.getName();
        if (domain.isActive() != 1) {
            throw new HypervisorException(Reason.INVALID_STATE, "Domain " + name + " does not run; a backup reads"
                    + " the disks of a running domain.");
        }
        requireName(request.checkpoint(), "checkpoint");
        request.since().ifPresent(since -> requireName(since, "checkpoint"));
        if (!ADDRESS.matcher(request.address()).matches()) {
            throw new HypervisorException(Reason.INVALID_ARGUMENT, "'" + request.address() + "' is no address to"
                    + " export a backup on.");
        }
        Map<String, String> formats = diskFormats(domain);
        for (String disk : request.disks()) {
            String format = formats.get(disk);
            if (format == null) {
                throw new HypervisorException(Reason.NOT_FOUND, "Domain " + name + " has no disk " + disk + ".");
            }
            if (!format.equals("qcow2")) {
                throw new HypervisorException(Reason.INVALID_ARGUMENT, "Disk " + disk + " of domain " + name + " is "
                        + (format.isEmpty() ? "of no declared format" : format) + "; backups need qcow2 disks (a"
                        + " checkpoint lives in qcow2 bitmaps).");
            }
        }
        if (request.since().isPresent() && lookup(domain, request.since().get()).isEmpty()) {
            throw new HypervisorException(Reason.NOT_FOUND, "Domain " + name + " has no checkpoint "
                    + request.since().get() + " to back up the changes since.");
        }
        StringBuilder backup = new StringBuilder("<domainbackup mode='pull'>");
        request.since().ifPresent(since -> backup.append("<incremental>").append(since).append("</incremental>"));
        backup.append("<server transport='tcp' name='").append(request.address()).append("' port='")
                .append(request.port()).append("'/><disks>");
        StringBuilder checkpoint = new StringBuilder("<domaincheckpoint><name>").append(request.checkpoint())
                .append("</name><disks>");
        for (String disk : formats.keySet()) {
            boolean wanted = request.disks().contains(disk);
            if (wanted) {
                // The scratch file holds the export's view of what the guest overwrites meanwhile; libvirt makes it
                // on the host and removes it when the job ends.
                backup.append("<disk name='").append(disk).append("' backup='yes' type='file' exportname='")
                        .append(disk).append("' exportbitmap='").append(BackupRequest.exportBitmap(disk))
                        .append("'><scratch file='")
                        .append(SCRATCH_DIRECTORY).append("/paddock-scratch-").append(domain.getUUIDString())
                        .append('-').append(disk).append('-').append(request.checkpoint())
                        .append(".qcow2'/></disk>");
            } else {
                backup.append("<disk name='").append(disk).append("' backup='no'/>");
            }
            checkpoint.append("<disk name='").append(disk).append("' checkpoint='").append(wanted ? "bitmap" : "no")
                    .append("'/>");
        }
        backup.append("</disks></domainbackup>");
        checkpoint.append("</disks></domaincheckpoint>");
        if (VIRT.virDomainBackupBegin(pointer(domain), backup.toString(), checkpoint.toString(), 0) < 0) {
            String said = lastError();
            Reason reason = said.contains("already") || said.contains("job") ? Reason.INVALID_STATE
                    : said.contains("Address already in use") || said.contains("Failed to bind") ? Reason.ALREADY_EXISTS
                    : Reason.FAILED;
            throw new HypervisorException(reason, "libvirt did not begin a backup of domain " + name
                    + (said.isEmpty() ? "" : ": " + said));
        }
        return described(domain, request);
    }

    private static BackupExport described(Domain domain, BackupRequest request) {
        String xml = string(VIRT.virDomainBackupGetXMLDesc(pointer(domain), 0));
        if (xml == null) {
            // The job runs; without its description the request's own values stand.
            List<BackupExport.Disk> disks = request.disks().stream().map(d -> new BackupExport.Disk(d, d,
                    request.since().map(s -> BackupRequest.exportBitmap(d)))).toList();
            return new BackupExport(request.address(), request.port(), disks);
        }
        Element root = XmlDocuments.parse(xml, "backup").getDocumentElement();
        String address = XmlDocuments.attribute(root, "server", "name");
        String port = XmlDocuments.attribute(root, "server", "port");
        List<BackupExport.Disk> disks = new ArrayList<>();
        for (Element disk : XmlDocuments.child(root, "disks").map(XmlDocuments::children).orElse(List.of())) {
            String target = disk.getAttribute("name");
            if (!request.disks().contains(target) || disk.getAttribute("backup").equals("no")) {
                continue;
            }
            String export = disk.getAttribute("exportname");
            String bitmap = disk.getAttribute("exportbitmap");
            disks.add(new BackupExport.Disk(target, export.isEmpty() ? target : export,
                    request.since().isPresent() ? Optional.of(bitmap.isEmpty() ? "backup-" + target : bitmap)
                            : Optional.empty()));
        }
        return new BackupExport(address.isEmpty() ? request.address() : address,
                port.isEmpty() ? request.port() : Integer.parseInt(port), disks);
    }

    /** Ends the domain's backup job (and with it the NBD export); nothing when no job runs. */
    static void end(Domain domain) throws LibvirtException {
        if (domain.isActive() == 1 && domain.getJobInfo().getType() != 0) {
            domain.abortJob();
        }
    }

    /** The domain's checkpoints, parents first. */
    static List<Checkpoint> list(Domain domain) {
        PointerByReference found = new PointerByReference();
        int count = VIRT.virDomainListAllCheckpoints(pointer(domain), found, LIST_TOPOLOGICAL);
        if (count < 0) {
            throw failed("list the checkpoints of", domain);
        }
        if (count == 0) {
            freeArray(found.getValue());
            return List.of();
        }
        Pointer[] checkpoints = found.getValue().getPointerArray(0, count);
        try {
            List<Checkpoint> list = new ArrayList<>();
            for (Pointer checkpoint : checkpoints) {
                String xml = string(VIRT.virDomainCheckpointGetXMLDesc(checkpoint, XML_NO_DOMAIN));
                if (xml == null) {
                    throw failed("describe a checkpoint of", domain);
                }
                list.add(parse(xml));
            }
            return list;
        } finally {
            for (Pointer checkpoint : checkpoints) {
                VIRT.virDomainCheckpointFree(checkpoint);
            }
            freeArray(found.getValue());
        }
    }

    /** Redefines each checkpoint of {@code chain} the domain does not have, oldest first. */
    static void redefine(Domain domain, List<Checkpoint> chain) {
        for (Checkpoint checkpoint : chain) {
            Optional<Pointer> existing = lookup(domain, checkpoint.name());
            if (existing.isPresent()) {
                VIRT.virDomainCheckpointFree(existing.get());
                continue;
            }
            Pointer created = VIRT.virDomainCheckpointCreateXML(pointer(domain), checkpoint.xml(), CREATE_REDEFINE);
            if (created == null) {
                throw failed("redefine checkpoint " + checkpoint.name() + " on", domain);
            }
            VIRT.virDomainCheckpointFree(created);
        }
    }

    /** Deletes one checkpoint (its bitmaps merged into its parent's); nothing when there is none of that name. */
    static void delete(Domain domain, String name) {
        delete(domain, name, 0, "delete");
    }

    /** Deletes one checkpoint with {@code flags}; nothing when there is none of that name. */
    private static void delete(Domain domain, String name, int flags, String verb) {
        Optional<Pointer> checkpoint = lookup(domain, name);
        if (checkpoint.isEmpty()) {
            return;
        }
        try {
            if (VIRT.virDomainCheckpointDelete(checkpoint.get(), flags) < 0) {
                throw failed(verb + " checkpoint " + name + " of", domain);
            }
        } finally {
            VIRT.virDomainCheckpointFree(checkpoint.get());
        }
    }

    /**
     * Drops libvirt's record of each checkpoint of a stopped domain, newest first, its bitmaps left in the images:
     * libvirt deletes a checkpoint's bitmaps only from a running domain ("cannot delete checkpoint for inactive
     * domain").
     */
    static void forgetAll(Domain domain) {
        boolean active;
        try {
            active = domain.isActive() == 1;
        } catch (LibvirtException e) {
            throw failed("look at", domain);
        }
        if (active) {
            throw new HypervisorException(Reason.INVALID_STATE, "A running domain's checkpoints are deleted with"
                    + " their bitmaps, not forgotten.");
        }
        List<Checkpoint> all = new ArrayList<>(list(domain));
        Collections.reverse(all);
        for (Checkpoint checkpoint : all) {
            delete(domain, checkpoint.name(), DELETE_METADATA_ONLY, "forget");
        }
    }

    static Checkpoint parse(String xml) {
        Element root = XmlDocuments.parse(xml, "checkpoint").getDocumentElement();
        String parent = XmlDocuments.child(root, "parent").map(p -> XmlDocuments.text(p, "name")).orElse("");
        String created = XmlDocuments.text(root, "creationTime");
        List<String> disks = XmlDocuments.child(root, "disks").map(XmlDocuments::children).orElse(List.of()).stream()
                .filter(d -> d.getAttribute("checkpoint").equals("bitmap")).map(d -> d.getAttribute("name")).toList();
        return new Checkpoint(XmlDocuments.text(root, "name"), parent.isEmpty() ? Optional.empty()
                : Optional.of(parent), created.isEmpty() ? 0 : Long.parseLong(created), disks, xml);
    }

    private static Optional<Pointer> lookup(Domain domain, String name) {
        Pointer found = VIRT.virDomainCheckpointLookupByName(pointer(domain), name, 0);
        if (found != null) {
            return Optional.of(found);
        }
        virError error = Libvirt.INSTANCE.virGetLastError();
        if (error != null && (error.code == NO_CHECKPOINT || String.valueOf(error.message)
                .contains("checkpoint not found"))) {
            return Optional.empty();
        }
        throw failed("look up checkpoint " + name + " of", domain);
    }

    /** Each disk of the domain (cdroms too) by target, with its driver format ("" when it declares none). */
    private static Map<String, String> diskFormats(Domain domain) throws LibvirtException {
        Element root = XmlDocuments.parse(domain.getXMLDesc(0), "domain").getDocumentElement();
        Map<String, String> formats = new LinkedHashMap<>();
        for (Element disk : XmlDocuments.child(root, "devices").map(XmlDocuments::children).orElse(List.of())) {
            if (disk.getTagName().equals("disk")) {
                String target = XmlDocuments.attribute(disk, "target", "dev");
                String format = disk.getAttribute("device").equals("cdrom") ? "cdrom"
                        : XmlDocuments.attribute(disk, "driver", "type");
                formats.put(target, format);
            }
        }
        return formats;
    }

    private static void requireName(String name, String what) {
        if (!NAME.matcher(name).matches()) {
            throw new HypervisorException(Reason.INVALID_ARGUMENT, "'" + name + "' is no " + what + " name (letters,"
                    + " digits, '.', '_' and '-', at most 100).");
        }
    }

    private static HypervisorException failed(String verb, Domain domain) {
        String said = lastError();
        String name;
        try {
            name = domain.getName();
        } catch (LibvirtException e) {
            name = "?";
        }
        return new HypervisorException(Reason.FAILED, "libvirt could not " + verb + " domain " + name
                + (said.isEmpty() ? "" : ": " + said));
    }

    /** A string libvirt allocated, read and freed; null stays null. */
    private static String string(Pointer pointer) {
        if (pointer == null) {
            return null;
        }
        try {
            return pointer.getString(0, "UTF-8");
        } finally {
            Native.free(Pointer.nativeValue(pointer));
        }
    }

    private static void freeArray(Pointer array) {
        if (array != null) {
            Native.free(Pointer.nativeValue(array));
        }
    }

    private static String lastError() {
        virError error = Libvirt.INSTANCE.virGetLastError();
        return error == null || error.message == null ? "" : error.message;
    }

    private static DomainPointer pointer(Domain domain) {
        return DomainRename.pointer(domain);
    }
}
