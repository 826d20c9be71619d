package dev.paddock.libvirt;

import dev.paddock.hypervisor.MigrationOptions;
import java.util.ArrayList;
import java.util.List;
import org.libvirt.Domain.DomainMigrateParameters;
import org.libvirt.Domain.MigrateFlags;
import org.libvirt.TypedParameter;
import org.libvirt.TypedStringParameter;
import org.libvirt.TypedUlongParameter;

/**
 * The flags and typed parameters of one {@code virDomainMigrate3} call: a peer-to-peer live migration that
 * leaves the domain persistent on the destination and undefined on the source, so a VM is defined on
 * exactly one host before and after.
 *
 * <p>A migration that copies storage adds libvirt's copy-storage-all ({@code NON_SHARED_DISK}: each disk mirrored
 * whole over NBD into the volume the destination holds under the same pool and name) or copy-storage-inc
 * ({@code NON_SHARED_INC}: only each disk's top layer, its backing image being on the destination already).
 *
 * @param unsafe set when the hosts share storage that libvirt cannot recognise as shared (a plain directory
 *     in the lab); libvirt refuses such a migration otherwise
 */
record MigrationRequest(int flags, List<TypedParameter> parameters) {

    static MigrationRequest of(String domainName, MigrationOptions options, boolean unsafe) {
        int flags = MigrateFlags.LIVE | MigrateFlags.PEER2PEER | MigrateFlags.PERSIST_DEST | MigrateFlags.UNDEFINE_SOURCE;
        if (unsafe) {
            flags |= MigrateFlags.UNSAFE;
        }
        flags |= switch (options.storage()) {
            case NONE -> 0;
            case FULL -> MigrateFlags.NON_SHARED_DISK;
            case TOP_LAYER -> MigrateFlags.NON_SHARED_INC;
        };
        var parameters = new ArrayList<TypedParameter>();
        // libvirt-java cannot pass an empty parameter array; the destination name is always safe to give.
        parameters.add(new TypedStringParameter(DomainMigrateParameters.VIR_MIGRATE_PARAM_DEST_NAME, domainName));
        options.migrationUri().ifPresent(uri ->
                parameters.add(new TypedStringParameter(DomainMigrateParameters.VIR_MIGRATE_PARAM_URI, uri)));
        options.bandwidthMibps().ifPresent(mibps -> {
            if (mibps < 1) {
                throw new IllegalArgumentException("migration bandwidth must be at least 1 MiB/s, not " + mibps);
            }
            parameters.add(new TypedUlongParameter(DomainMigrateParameters.VIR_MIGRATE_PARAM_BANDWIDTH, mibps));
        });
        options.maxDowntime().ifPresent(downtime -> {
            if (downtime.isNegative() || downtime.isZero()) {
                throw new IllegalArgumentException("maximum downtime must be positive, not " + downtime);
            }
        });
        return new MigrationRequest(flags, List.copyOf(parameters));
    }

    /**
     * This request with the definitions the destination runs ({@code live}) and keeps ({@code persistent}): what
     * moves a VNC display onto the destination's address, which the source's XML cannot name.
     */
    MigrationRequest withDestinationXml(String live, String persistent) {
        var more = new ArrayList<>(parameters);
        more.add(new TypedStringParameter(DomainMigrateParameters.VIR_MIGRATE_PARAM_DEST_XML, live));
        more.add(new TypedStringParameter(DomainMigrateParameters.VIR_MIGRATE_PARAM_PERSIST_XML, persistent));
        return new MigrationRequest(flags, List.copyOf(more));
    }

    TypedParameter[] parameterArray() {
        return parameters.toArray(TypedParameter[]::new);
    }
}
