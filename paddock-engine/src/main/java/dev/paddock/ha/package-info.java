/**
 * High availability, the pure core: when a host dies, its protected VMs run again elsewhere; fence first, restart
 * fast, never run a VM twice.
 *
 * <pre>
 * keepalive (libvirt)  ─┐
 * datastore heartbeat  ─┼─ HostObservation ─&gt; HealthAssessor ─&gt; Assessment ─&gt; HostHealth.next
 * fence agent status   ─┘   (detection window, default 10 s)   Healthy | Suspect | Isolated | Dead | Unreachable
 *
 * FENCING ─&gt; FailoverPlanner.plan(room, claims, failed hosts, policy)
 *                                                      │  order: dependencies, priority, tier (db, app, web)
 *                                                      │  placement engine: its filters (capacity, licences,
 *                                                      │  networks, datastores, anti-affinity) and a scorer,
 *                                                      │  claims of unfinished operations counted as used
 *                                                      v
 *   FailoverPlan ─&gt; OperationPlan "host.failover": the server puts FenceHost (FenceAgent.powerOff, confirmed)
 *                   first, then Parallel(DefineVm per VM), Parallel(StartVm per VM)
 *    fence step done   ─&gt; RECOVERING
 *    fence step failed ─&gt; alarm, retry, no restart ran
 *
 * AdmissionControl: the same planner over every combination of N failed hosts; a start that breaks
 * "tolerate N host failures" is refused with the failure that could not be absorbed and the shortfall.
 * </pre>
 *
 * Everything here is pure: the {@link dev.paddock.ha.FenceAgent} port is implemented elsewhere, by
 * {@code dev.paddock.libvirt.fence.FenceAgentProcess} (runs a fence-agents executable) and by
 * {@code dev.paddock.sim.SimulatedFenceAgent} (the simulated room's BMCs), so this package depends on neither
 * the simulator nor the operating system. {@link dev.paddock.ha.HostWatch} holds
 * every decision a loop takes on its hosts (judge, fence retry, recovery, maintenance); the server's
 * {@code HaController} and {@code HaSimulationTest}'s small loop both run on it.
 */
package dev.paddock.ha;
