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
 * the simulator nor the operating system.
 *
 * <p>{@link dev.paddock.ha.HostWatch} is the per-host state machine (judge, fence retry, recovery, maintenance);
 * {@link dev.paddock.ha.HaDecider} owns it and everything else the server's HA loop remembers of its hosts (when a
 * fence was decided and confirmed, fence failures and their alarm, unplaced VMs alarmed, the failover operation
 * followed), and takes every decision of that loop: from what the loop read (each host armed, in maintenance or
 * its keepalive, heartbeat and lazy power reading; the end of the failover it follows as a
 * {@link dev.paddock.ha.FailoverEnd}; the room) it returns {@link dev.paddock.ha.HaEffect}s (audit, alarm, notice,
 * meter readings, submit a failover, clean stale definitions, restart in place). The server's
 * {@code HaController} only reads and carries them out; {@code HaSimulationTest}'s small loop runs on
 * {@code HostWatch} directly.
 *
 * <pre>
 * loop reads ─&gt; HaDecider.judge(host, Disarmed | InMaintenance | Armed(connected, silent since, heartbeat,
 *                                 power, policy))                      ─&gt; effects
 *              HaDecider.ended(FailoverEnd)  fence step DONE / FAILED    ─&gt; effects
 *              HaDecider.failoverWanted ─&gt; (loop learns where VMs run) ─&gt; HaDecider.recover ─&gt; SubmitFailover
 *              loop plans (FailoverPlanner) and submits ─&gt; HaDecider.submitted(plan, operation id, fence steps)
 * </pre>
 */
package dev.paddock.ha;
