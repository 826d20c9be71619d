/**
 * The simulated room's effects, which the pure engine leaves to the server: the wall clock with its timer thread
 * ({@link dev.paddock.server.sim.RealTimeClock}) and the state file ({@link dev.paddock.server.sim.RoomFile}: the
 * simulator's text, written to a temporary file, forced, renamed over the old one).
 *
 * <pre>
 * SimulatedHypervisor.saveTo(text) --&gt; RoomFile.replace: temp + fsync + rename (+ fsync of the directory)
 * RoomFile.load/open/openDemo      --&gt; SimulatedHypervisor.restore(text, file, clock, save)
 * </pre>
 */
package dev.paddock.server.sim;
