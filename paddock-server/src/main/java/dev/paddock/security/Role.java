package dev.paddock.security;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A named set of permissions. Four are built in and cannot be changed; custom ones are stored.
 *
 * @param builtIn whether the role is one of {@link #BUILT_IN}
 */
public record Role(String name, Set<Permission> permissions, boolean builtIn) {

    public static final String ADMINISTRATOR_NAME = "administrator";

    /** Everything. */
    public static final Role ADMINISTRATOR = new Role(ADMINISTRATOR_NAME, EnumSet.allOf(Permission.class), true);

    /** Runs the room day to day: VMs, maintenance, storage, networks, images, HA settings, thresholds, backups and
     * restores; not hosts' membership, fence devices, backup repositories, notification channels (they hold mail
     * credentials), users or the audit log. */
    public static final Role OPERATOR = new Role("operator", with(reads(false),
            Permission.VM_POWER, Permission.VM_CREATE, Permission.VM_CONFIGURE, Permission.VM_DELETE,
            Permission.VM_MIGRATE, Permission.VM_CONSOLE, Permission.HOST_MAINTENANCE, Permission.DATASTORE_MANAGE,
            Permission.NETWORK_MANAGE, Permission.IMAGE_MANAGE, Permission.HA_MANAGE, Permission.ALARM_ACKNOWLEDGE,
            Permission.THRESHOLD_MANAGE,
            Permission.OPERATION_CANCEL, Permission.CONSOLIDATION_PLAN, Permission.BACKUP_RUN,
            Permission.BACKUP_RESTORE), true);

    /** Reads everything, the audit log included, and changes nothing. */
    public static final Role AUDITOR = new Role("auditor", reads(true), true);

    /** Reads everything but the audit log. */
    public static final Role READ_ONLY = new Role("read-only", reads(false), true);

    public static final List<Role> BUILT_IN = List.of(ADMINISTRATOR, OPERATOR, AUDITOR, READ_ONLY);

    public Role {
        permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
    }

    public boolean allows(Permission permission) {
        return permission == Permission.ACCOUNT || permissions.contains(permission);
    }

    /** The permissions' keys in declaration order, as the API shows them. */
    public List<String> keys() {
        return Arrays.stream(Permission.values()).filter(permissions::contains).map(Permission::key).toList();
    }

    private static Set<Permission> reads(boolean audit) {
        return Arrays.stream(Permission.values()).filter(Permission::reads)
                .filter(permission -> audit || permission != Permission.AUDIT_READ)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Permission.class)));
    }

    private static Set<Permission> with(Set<Permission> base, Permission... more) {
        EnumSet<Permission> all = EnumSet.noneOf(Permission.class);
        all.addAll(base);
        all.addAll(List.of(more));
        return all;
    }
}
