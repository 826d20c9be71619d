package dev.paddock.libvirt;

import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import java.util.Map;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/**
 * Domains made on a managed host behind Paddock's back: telling them from Paddock's own by the ownership mark
 * ({@link DomainXml#METADATA_NAMESPACE}), and quarantining them. Not part of the Hypervisor port yet.
 */
public final class RogueDomains {

    private final LibvirtHypervisor hypervisor;

    RogueDomains(LibvirtHypervisor hypervisor) {
        this.hypervisor = hypervisor;
    }

    /**
     * True when the domain carries Paddock's ownership mark ({@link DomainXml#METADATA_NAMESPACE}): it was
     * defined through Paddock. A domain without it on a managed host was made behind Paddock's back.
     */
    public boolean isPaddockDomain(String hostId, String uuid) {
        return hypervisor.call(hostId, "read the metadata of domain " + uuid + " on " + hostId, connect -> {
            Domain domain = LibvirtHypervisor.lookup(connect, uuid).orElseThrow(() ->
                    new HypervisorException(Reason.NOT_FOUND, "no domain " + uuid + " on " + hostId));
            try {
                domain.getMetadata(Domain.MetadataType.ELEMENT, DomainXml.METADATA_NAMESPACE, 0);
                return true;
            } catch (LibvirtException e) {
                if (e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN_METADATA) {
                    return false;
                }
                throw e;
            } finally {
                LibvirtHypervisor.free(domain);
            }
        });
    }

    /** Quarantines a domain: pauses it and takes the link of every NIC down, live and in its definition. */
    public void quarantine(String hostId, String uuid) {
        setLinks(hostId, uuid, false);
        hypervisor.suspend(hostId, uuid);
    }

    /** Sets the link of every NIC of a domain up or down; the guest sees a cable pulled or plugged back. */
    public void setLinks(String hostId, String uuid, boolean up) {
        hypervisor.onDomain(hostId, uuid, up ? "connect the NICs of" : "isolate the NICs of", domain -> {
            int impact = (domain.isActive() == 1 ? Domain.DeviceModifyFlags.LIVE : 0)
                    | (domain.isPersistent() == 1 ? Domain.DeviceModifyFlags.CONFIG : 0);
            for (String device : InterfaceLinks.withLinkState(domain.getXMLDesc(0), up)) {
                domain.updateDeviceFlags(device, impact);
            }
        });
    }

    /** The link state of each NIC, by MAC address, as the running (or else defined) domain has it. */
    public Map<String, Boolean> linkStates(String hostId, String uuid) {
        return hypervisor.call(hostId, "read the NICs of domain " + uuid + " on " + hostId, connect -> {
            Domain domain = LibvirtHypervisor.lookup(connect, uuid).orElseThrow(() ->
                    new HypervisorException(Reason.NOT_FOUND, "no domain " + uuid + " on " + hostId));
            try {
                return InterfaceLinks.linkStates(domain.getXMLDesc(0));
            } finally {
                LibvirtHypervisor.free(domain);
            }
        });
    }
}
