/**
 * Scheduling: the server's side of placement. The engine's placement is pure; here one ledger makes each
 * decision atomic with the submission of its operation and holds what it took until the operation ends.
 *
 * <pre>
 * request (create, start, migrate, evacuate, HA restart)
 *   ─▶ PlacementLedger.submit, under one lock:
 *        store.room() + claims of unfinished operations
 *        ─▶ PlacementEngine (filters, scorers; claims counted as used) ─▶ plan | refusal (409, the engine's sentence)
 *        ─▶ Operations.submit(plan) ─▶ Claims.of(plan): each StartVm / MigrateVm holds its VM's demand on its host
 *   operation final (Operations.onFinished) ─▶ its claims dropped
 *   server restart ─▶ claims rebuilt from Operations.unfinishedPlans()
 * </pre>
 */
package dev.paddock.scheduling;
