package dev.paddock.hypervisor;

/**
 * The VNC password of each VM, kept with the VM by Paddock: a define gives the domain's display the VM's password, so
 * a VM restarted or defined again on another host asks the same one until it is rotated. Passwords are secrets: no
 * log line, message or audit entry carries one.
 */
public interface ConsolePasswords {

    /** The VM's password, made (random) and kept on first use. */
    String vncPassword(String vmId);

    /** Makes, keeps and returns a new random password for the VM, replacing its old one. */
    String rotateVncPassword(String vmId);
}
