package dev.paddock.model;

import java.util.List;

/**
 * A template: a disk image and the hardware a VM made from it gets unless its create says otherwise.
 *
 * @param imageId the image its first disk is cloned from
 * @param diskGib the size of that disk, at least the image's
 * @param boot the devices the firmware tries, in order; empty for the first disk alone
 */
public record Template(String id, String name, String imageId, int vcpus, long memoryMib, long diskGib,
        Firmware firmware, List<BootDevice> boot) {
    public Template {
        Ids.require(id, "template id");
        Ids.require(name, "template name");
        Ids.require(imageId, "template image id");
        if (vcpus < 1 || memoryMib < 1 || diskGib < 1) {
            throw new IllegalArgumentException("a template needs vCPUs, memory and a disk size");
        }
        firmware = firmware == null ? Firmware.BIOS : firmware;
        boot = boot == null ? List.of() : List.copyOf(boot);
    }
}
