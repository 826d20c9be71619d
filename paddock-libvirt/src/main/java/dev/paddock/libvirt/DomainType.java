package dev.paddock.libvirt;

/** The libvirt domain type a host runs guests with: hardware-assisted KVM, or QEMU's TCG emulation. */
public enum DomainType {
    KVM("kvm"),
    /** Pure emulation: slow, but runs anywhere, including nested hosts whose /dev/kvm does not work. */
    TCG("qemu");

    private final String xmlName;

    DomainType(String xmlName) {
        this.xmlName = xmlName;
    }

    /** The value of {@code <domain type='...'>}. */
    public String xmlName() {
        return xmlName;
    }
}
