/**
 * Fencing real hosts: the engine's {@link dev.paddock.ha.FenceAgent} port over Debian's fence-agents executables
 * ({@code fence_ipmilan}, {@code fence_redfish}, ...), run as processes. It lives beside the libvirt adapter, with
 * the other code that reaches real hosts, because running a process is an effect the engine does not have.
 */
package dev.paddock.libvirt.fence;
