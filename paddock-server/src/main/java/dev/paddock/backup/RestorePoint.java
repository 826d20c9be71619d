package dev.paddock.backup;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A restore point's manifest: the VM it is of, when it was taken, the point it was written over (an incremental
 * point's parent; the map is full all the same, so a parent may be forgotten), the VM's configuration as JSON, and a
 * map of each disk.
 */
public record RestorePoint(String id, String vm, Instant taken, Optional<String> parent, JsonNode configuration,
                           List<DiskMap> disks) {

    public RestorePoint {
        disks = List.copyOf(disks);
    }

    public Optional<DiskMap> disk(String name) {
        return disks.stream().filter(disk -> disk.name().equals(name)).findFirst();
    }
}
