package dev.paddock.model;

/** A device a guest's firmware can boot from, in a VM's boot order. */
public enum BootDevice {
    /** The first disk. */
    DISK,
    /** A CD-ROM. */
    CDROM,
    /** The network (PXE). */
    NETWORK
}
