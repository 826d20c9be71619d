/**
 * The simulated room: a deterministic {@link dev.paddock.hypervisor.Hypervisor} for the demo and for scale and
 * fault tests, that controllers cannot tell from libvirt. Pure like the rest of the engine: no file, no thread,
 * no wall clock of its own. Time is a {@link dev.paddock.sim.SimClock} passed in (the server's wall-clock one lives
 * in {@code dev.paddock.server.sim}); the room's state goes out as text ({@code RoomText}) to whoever saves it (the
 * server's {@code RoomFile}, written atomically so it survives a {@code kill -9}).
 *
 * <pre>
 * SimClock (ManualClock | the server's RealTimeClock) + seed
 *        |
 * SimulatedHypervisor  -- inject/heal(Fault) --&gt; hosts crash, power on, get isolated; calls slow down or fail
 *        |  after each change: events (caller's thread, outside the lock), the room's text to saveTo's consumer
 *        v
 * DemoRoom / ScaleRoom --&gt; SimulatedRoom(Room, SimulatedHypervisor)
 *
 * SimulatedFenceAgent: the room's BMCs behind the ha FenceAgent port (off = a host crash)
 * </pre>
 */
package dev.paddock.sim;
