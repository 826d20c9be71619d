/**
 * Datastores as libvirt storage pools. Pure: what the hosts' pools say in, the datastores they make out.
 *
 * <pre>
 * hosts' pools (Hypervisor.pools, at each resync) ─┐
 * datastores in the store ─────────────────────────┴─> DatastoreDiscovery.discover ─> datastores to write
 * </pre>
 *
 * One datastore per distinct source in a site: the same NFS export, iSCSI target or Ceph pool defined on several
 * hosts is one shared datastore whose hosts are those where the pool is started. A directory is its host's own
 * unless a datastore records that directory as shared (created so through the API).
 */
package dev.paddock.storage;
