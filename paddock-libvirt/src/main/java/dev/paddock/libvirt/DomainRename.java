package dev.paddock.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import java.lang.reflect.Field;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.jna.DomainPointer;
import org.libvirt.jna.Libvirt;
import org.libvirt.jna.virError;

/**
 * virDomainRename, which libvirt-java 0.5.4 does not bind: called through JNA on the pointer of the library's own
 * {@link Domain}, so the domain's reference counting stays libvirt-java's.
 */
final class DomainRename {

    private interface Virt extends Library {
        int virDomainRename(DomainPointer domain, String newName, int flags);
    }

    private static final Virt VIRT = Native.load("virt", Virt.class);

    private DomainRename() {}

    /** Renames a stopped domain; a running one is {@link Reason#INVALID_STATE}. */
    static void rename(Domain domain, String newName) throws LibvirtException {
        if (domain.isActive() == 1) {
            throw new HypervisorException(Reason.INVALID_STATE, "domain " + domain.getName() + " runs; it is renamed"
                    + " to " + newName + " only when stopped");
        }
        if (VIRT.virDomainRename(pointer(domain), newName, 0) < 0) {
            virError error = Libvirt.INSTANCE.virGetLastError();
            throw new HypervisorException(Reason.FAILED, "libvirt did not rename domain " + domain.getName() + " to "
                    + newName + (error == null || error.message == null ? "" : ": " + error.message));
        }
    }

    /** The native pointer inside libvirt-java's {@link Domain}, for the calls it does not bind. */
    static DomainPointer pointer(Domain domain) {
        try {
            Field field = Domain.class.getDeclaredField("vdp");
            field.setAccessible(true);
            return (DomainPointer) field.get(domain);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("libvirt-java's Domain has no domain pointer field 'vdp'", e);
        }
    }
}
