/**
 * The REST API under {@code /api/v1}.
 *
 * <pre>
 * request ─▶ RequestBody (strict JSON → request record) ─▶ Requests checks (names, bounds vs. largest host)
 *         ─▶ reads: InventoryStore            ─▶ 200 JSON
 *         ─▶ VM verbs that place (create, start, migrate; maintenance's evacuation):
 *              PlacementLedger.submit { room + claims ─▶ PlacementEngine ─▶ VmPlans } ─▶ 202 + Location
 *              /api/v1/operations/{id}, or 409 with the engine's sentence and no operation
 *         ─▶ other VM verbs: VmPlans ─▶ Operations.submit ─▶ 202 + Location /api/v1/operations/{id}
 * any PaddockException / store / hypervisor error ─▶ ProblemResponses ─▶ application/problem+json
 * </pre>
 *
 * <p>{@link dev.paddock.api.OpenApiDocument} serves {@code src/main/resources/openapi.json}, which describes every
 * route; its test fails when a route is registered without being described, or described without being registered,
 * and names the method and path. A new route is described in that file, beside the others of its resource.
 */
package dev.paddock.api;
