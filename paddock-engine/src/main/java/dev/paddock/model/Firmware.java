package dev.paddock.model;

/** What a guest boots with. */
public enum Firmware {
    /** SeaBIOS, the default. */
    BIOS,
    /** UEFI, from the host's OVMF firmware (without secure boot). */
    UEFI
}
