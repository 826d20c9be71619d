package dev.paddock.directory;

import java.util.Set;

/**
 * A user the directory vouched for at one login: the name typed, its entry's DN, a display name, and the names
 * (CNs) of the groups it is in at that moment — roles are granted to those groups and read again at each login.
 */
public record DirectoryAccount(String username, String dn, String displayName, Set<String> groups) {

    public DirectoryAccount {
        groups = Set.copyOf(groups);
    }
}
