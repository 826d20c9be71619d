package dev.paddock.security;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a caller may do, one constant per kind of act, named by what it allows. Every route declares exactly one
 * (see {@code api.SecuredRoutes}); roles are sets of them. {@link #ACCOUNT} is the one every signed-in user holds
 * whatever their roles: reading oneself, changing one's password, one's own tokens and session.
 */
public enum Permission {
    VM_READ("vm.read"),
    VM_POWER("vm.power"),
    VM_CREATE("vm.create"),
    VM_CONFIGURE("vm.configure"),
    VM_DELETE("vm.delete"),
    VM_MIGRATE("vm.migrate"),
    VM_CONSOLE("vm.console"),
    HOST_READ("host.read"),
    HOST_MANAGE("host.manage"),
    HOST_MAINTENANCE("host.maintenance"),
    FENCE_MANAGE("fence.manage"),
    DATASTORE_READ("datastore.read"),
    DATASTORE_MANAGE("datastore.manage"),
    NETWORK_READ("network.read"),
    NETWORK_MANAGE("network.manage"),
    IMAGE_READ("image.read"),
    IMAGE_MANAGE("image.manage"),
    BACKUP_READ("backup.read"),
    BACKUP_RUN("backup.run"),
    BACKUP_RESTORE("backup.restore"),
    BACKUP_MANAGE("backup.manage"),
    HA_READ("ha.read"),
    HA_MANAGE("ha.manage"),
    ALARM_READ("alarm.read"),
    ALARM_ACKNOWLEDGE("alarm.acknowledge"),
    THRESHOLD_MANAGE("threshold.manage"),
    CHANNEL_MANAGE("channel.manage"),
    AUDIT_READ("audit.read"),
    OPERATION_READ("operation.read"),
    OPERATION_CANCEL("operation.cancel"),
    CONSOLIDATION_PLAN("consolidation.plan"),
    SIMULATOR_FAULT("simulator.fault"),
    USER_MANAGE("user.manage"),
    ACCOUNT("account.self");

    private final String key;

    Permission(String key) {
        this.key = key;
    }

    /** The name users read and write, for example {@code vm.power}. */
    public String key() {
        return key;
    }

    /** Whether this permission only reads. */
    public boolean reads() {
        return key.endsWith(".read");
    }

    public static Optional<Permission> ofKey(String key) {
        return Arrays.stream(values()).filter(permission -> permission.key.equals(key)).findFirst();
    }

    @Override
    public String toString() {
        return key;
    }
}
