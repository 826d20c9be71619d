/**
 * The simulated room: a deterministic {@link dev.paddock.hypervisor.Hypervisor} for the demo and for scale and
 * fault tests, that controllers cannot tell from libvirt.
 *
 * <pre>
 * SimClock (ManualClock | RealTimeClock) + seed
 *        |
 * SimulatedHypervisor  -- inject/heal(Fault) --&gt; hosts crash, power on, get isolated; calls slow down or fail
 *        |  after each change: events (caller's thread, outside the lock), state file (temp + fsync + rename)
 *        v
 * DemoRoom / ScaleRoom --&gt; SimulatedRoom(Room, SimulatedHypervisor)
 * </pre>
 */
package dev.paddock.sim;
