package dev.paddock.store;

import static dev.paddock.store.InventoryRows.CLUSTER;
import static dev.paddock.store.InventoryRows.DATASTORE;
import static dev.paddock.store.InventoryRows.HOST;
import static dev.paddock.store.InventoryRows.NETWORK;
import static dev.paddock.store.InventoryRows.SITE;
import static dev.paddock.store.InventoryRows.VM;
import static dev.paddock.store.InventoryRows.select;

import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Image;
import dev.paddock.model.Template;
import dev.paddock.model.Host;
import dev.paddock.model.Licence;
import dev.paddock.model.Licensing;
import dev.paddock.model.Network;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The inventory over JDBC, for H2 and PostgreSQL alike. Each write is an upsert keyed by id; the
 * database's unique constraints enforce name uniqueness, and a clash is reported as a
 * {@link DuplicateNameException} that names the object and its scope.
 *
 * <p>VMs page in (name, id) order, which an index serves; {@link #putAll} writes in JDBC batches inside
 * one transaction so a resync of a hundred thousand VMs is a few round trips, not a hundred thousand.
 */
public final class JdbcInventoryStore implements InventoryStore {

    private static final int BATCH = 1_000;

    private final Jdbc jdbc;
    private final String upsertSite;
    private final String upsertCluster;
    private final String upsertHost;
    private final String upsertVm;
    /** Sets every column, the id to itself, so that the row binder serves it as it serves the upsert. */
    private static final String UPDATE_OBSERVED = "UPDATE vms SET host_id = ?, state = ? WHERE id = ?";
    private final String upsertNetwork;
    private final String upsertDatastore;
    private final String upsertImage;
    private final String upsertTemplate;

    public JdbcInventoryStore(DataSource dataSource, Dialect dialect) {
        this.jdbc = new Jdbc(dataSource);
        this.upsertSite = dialect.upsert("sites", SITE);
        this.upsertCluster = dialect.upsert("clusters", CLUSTER);
        this.upsertHost = dialect.upsert("hosts", HOST);
        this.upsertVm = dialect.upsert("vms", VM);
        this.upsertNetwork = dialect.upsert("networks", NETWORK);
        this.upsertDatastore = dialect.upsert("datastores", DATASTORE);
        this.upsertImage = dialect.upsert("images", InventoryRows.IMAGE);
        this.upsertTemplate = dialect.upsert("templates", InventoryRows.TEMPLATE);
    }

    /** A store over a pool from {@link Database#open}; the dialect is read from the database itself. */
    public JdbcInventoryStore(DataSource dataSource) {
        this(dataSource, Dialect.of(dataSource));
    }

    @Override
    public List<Site> sites() {
        return jdbc.query(select(SITE, "sites") + " ORDER BY name", s -> {}, InventoryRows::site);
    }

    @Override
    public Optional<Site> site(String id) {
        return jdbc.queryOne(select(SITE, "sites") + " WHERE id = ?", s -> s.setString(1, id), InventoryRows::site);
    }

    @Override
    public void put(Site site) {
        write(upsertSite, s -> InventoryRows.bind(s, site),
                () -> "a site named '" + site.name() + "' already exists");
    }

    @Override
    public List<Cluster> clusters() {
        return jdbc.query(select(CLUSTER, "clusters") + " ORDER BY site_id, name", s -> {}, InventoryRows::cluster);
    }

    @Override
    public Optional<Cluster> cluster(String id) {
        return jdbc.queryOne(select(CLUSTER, "clusters") + " WHERE id = ?", s -> s.setString(1, id),
                InventoryRows::cluster);
    }

    @Override
    public void put(Cluster cluster) {
        write(upsertCluster, s -> InventoryRows.bind(s, cluster),
                () -> "a cluster named '" + cluster.name() + "' already exists in site " + cluster.siteId());
    }

    @Override
    public List<Host> hosts() {
        return jdbc.query(select(HOST, "hosts") + " ORDER BY name", s -> {}, InventoryRows::host);
    }

    @Override
    public Optional<Host> host(String id) {
        return jdbc.queryOne(select(HOST, "hosts") + " WHERE id = ?", s -> s.setString(1, id), InventoryRows::host);
    }

    @Override
    public void put(Host host) {
        write(upsertHost, s -> InventoryRows.bind(s, host),
                () -> "a host named '" + host.name() + "' already exists");
    }

    @Override
    public boolean deleteHost(String id) {
        return jdbc.inTransaction(connection -> {
            long placed = Jdbc.query(connection, "SELECT COUNT(*) FROM vms WHERE host_id = ?",
                    s -> s.setString(1, id), r -> r.getLong(1)).getFirst();
            if (placed > 0) {
                throw new HostInUseException("host " + id + " still holds " + placed
                        + (placed == 1 ? " VM" : " VMs") + "; move or remove them before deleting it");
            }
            return Jdbc.update(connection, "DELETE FROM hosts WHERE id = ?", s -> s.setString(1, id)) > 0;
        });
    }

    /**
     * A page of VMs by a deferred join: the offset is skipped over the (name, id) index alone, and only
     * the page's own rows are read whole. Skipping whole rows made a deep page cost a read of every row
     * before it (hundreds of milliseconds at offset 90,000 on H2).
     */
    private static final String VM_PAGE = "SELECT " + String.join(", ", VM.stream().map(c -> "v." + c).toList())
            + " FROM vms v JOIN (SELECT id FROM vms ORDER BY name, id OFFSET ? ROWS FETCH NEXT ? ROWS ONLY) p"
            + " ON v.id = p.id ORDER BY v.name, v.id";

    @Override
    public Page<Vm> vms(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0, were " + offset + " and " + limit);
        }
        return jdbc.inSnapshot(connection -> {
            long total = Jdbc.query(connection, "SELECT COUNT(*) FROM vms", s -> {}, r -> r.getLong(1)).getFirst();
            List<Vm> items = Jdbc.query(connection, VM_PAGE,
                    s -> {
                        s.setInt(1, offset);
                        s.setInt(2, limit);
                    },
                    InventoryRows::vm);
            return new Page<>(items, total, offset, limit);
        });
    }

    @Override
    public Page<Vm> vmsAfter(VmFilter filter, Optional<VmKey> after, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        String pattern = "%" + filter.nameContains().toLowerCase(java.util.Locale.ROOT)
                .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        boolean searched = !filter.nameContains().isEmpty();
        // TRUE keeps the clauses joinable by AND; without a search or origin the count reads the index alone
        String where = " WHERE TRUE" + (searched ? " AND LOWER(name) LIKE ? ESCAPE '\\'" : "")
                + (filter.origin().isPresent() ? " AND origin = ?" : "");
        Jdbc.Binder filtered = s -> {
            int at = 1;
            if (searched) {
                s.setString(at++, pattern);
            }
            if (filter.origin().isPresent()) {
                s.setString(at, filter.origin().get().name());
            }
        };
        int next = 1 + (searched ? 1 : 0) + (filter.origin().isPresent() ? 1 : 0);
        // name >= ? lets the (name, id) index start at the cursor; the rest skips the names equal to it seen already
        String page = select(VM, "vms") + where + (after.isPresent() ? " AND name >= ? AND (name > ? OR id > ?)" : "")
                + " ORDER BY name, id FETCH FIRST ? ROWS ONLY";
        return jdbc.inSnapshot(connection -> {
            long total = Jdbc.query(connection, "SELECT COUNT(*) FROM vms" + where, filtered, r -> r.getLong(1))
                    .getFirst();
            List<Vm> items = Jdbc.query(connection, page, s -> {
                filtered.bind(s);
                int at = next;
                if (after.isPresent()) {
                    s.setString(at++, after.get().name());
                    s.setString(at++, after.get().name());
                    s.setString(at++, after.get().id());
                }
                s.setInt(at, limit);
            }, InventoryRows::vm);
            return new Page<>(items, total, 0, limit);
        });
    }

    @Override
    public List<Vm> vmsOnHost(String hostId) {
        return jdbc.query(select(VM, "vms") + " WHERE host_id = ? ORDER BY name, id", s -> s.setString(1, hostId),
                InventoryRows::vm);
    }

    @Override
    public Optional<Vm> vm(String id) {
        return jdbc.queryOne(select(VM, "vms") + " WHERE id = ?", s -> s.setString(1, id), InventoryRows::vm);
    }

    @Override
    public Optional<Vm> vmByName(String clusterId, String name) {
        return jdbc.queryOne(select(VM, "vms") + " WHERE cluster_id = ? AND name = ?", s -> {
            s.setString(1, clusterId);
            s.setString(2, name);
        }, InventoryRows::vm);
    }

    @Override
    public void put(Vm vm) {
        write(upsertVm, s -> InventoryRows.bind(s, vm), () -> duplicateVm(vm));
    }

    @Override
    public void putAll(Collection<Vm> vms) {
        if (vms.isEmpty()) {
            return;
        }
        requireDistinctNames(vms);
        try {
            jdbc.inTransaction(connection -> {
                writeBatches(connection, vms);
                return null;
            });
        } catch (Jdbc.UniqueViolation e) {
            throw new DuplicateNameException(firstClash(vms).orElse("a VM name in the batch is already taken"));
        }
    }

    @Override
    public int updateObserved(Collection<Vm> vms) {
        if (vms.isEmpty()) {
            return 0;
        }
        return jdbc.inTransaction(connection -> {
            int written = 0;
            try (PreparedStatement statement = connection.prepareStatement(UPDATE_OBSERVED)) {
                for (Vm vm : vms) {
                    statement.setString(1, vm.hostId().orElse(null));
                    statement.setString(2, vm.state().name());
                    statement.setString(3, vm.id());
                    written += statement.executeUpdate();
                }
            }
            return written;
        });
    }

    private void writeBatches(Connection connection, Collection<Vm> vms) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(upsertVm)) {
            int pending = 0;
            for (Vm vm : vms) {
                InventoryRows.bind(statement, vm);
                statement.addBatch();
                if (++pending == BATCH) {
                    statement.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                statement.executeBatch();
            }
        }
    }

    /** Two VMs of one batch that share a name and a cluster would clash with each other, not the store. */
    private static void requireDistinctNames(Collection<Vm> vms) {
        Map<List<String>, String> seen = new HashMap<>();
        for (Vm vm : vms) {
            String other = seen.putIfAbsent(List.of(vm.clusterId(), vm.name()), vm.id());
            if (other != null && !other.equals(vm.id())) {
                throw new DuplicateNameException(duplicateVm(vm) + " (VMs " + other + " and " + vm.id()
                        + " of the same batch)");
            }
        }
    }

    private Optional<String> firstClash(Collection<Vm> vms) {
        for (Vm vm : vms) {
            Optional<Vm> holder = vmByName(vm.clusterId(), vm.name());
            if (holder.isPresent() && !holder.get().id().equals(vm.id())) {
                return Optional.of(duplicateVm(vm) + " (VM " + holder.get().id() + ")");
            }
        }
        return Optional.empty();
    }

    private static String duplicateVm(Vm vm) {
        return "a VM named '" + vm.name() + "' already exists in cluster " + vm.clusterId();
    }

    @Override
    public boolean deleteVm(String id) {
        return jdbc.update("DELETE FROM vms WHERE id = ?", s -> s.setString(1, id)) > 0;
    }

    @Override
    public List<Network> networks() {
        return jdbc.query(select(NETWORK, "networks") + " ORDER BY site_id, name", s -> {}, InventoryRows::network);
    }

    @Override
    public Optional<Network> network(String id) {
        return jdbc.queryOne(select(NETWORK, "networks") + " WHERE id = ?", s -> s.setString(1, id),
                InventoryRows::network);
    }

    @Override
    public void put(Network network) {
        write(upsertNetwork, s -> InventoryRows.bind(s, network),
                () -> "a network named '" + network.name() + "' already exists in site " + network.siteId());
    }

    @Override
    public void putCarriers(Network network) {
        String carriers = InventoryRows.carriersJson(network);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (jdbc.update("UPDATE networks SET carriers = ? WHERE id = ?", s -> {
                s.setString(1, carriers);
                s.setString(2, network.id());
            }) > 0) {
                return;
            }
            try {
                jdbc.update("INSERT INTO networks (" + String.join(", ", NETWORK) + ") VALUES ("
                        + String.join(", ", java.util.Collections.nCopies(NETWORK.size(), "?")) + ")",
                        s -> InventoryRows.bind(s, network));
                return;
            } catch (Jdbc.UniqueViolation e) {
                // written meanwhile, by its maker or under another id with the same name: update, or name the clash
                if (attempt == 1 || network(network.id()).isEmpty()) {
                    throw new DuplicateNameException("a network named '" + network.name() + "' already exists in"
                            + " site " + network.siteId());
                }
            }
        }
    }

    @Override
    public List<Licence> licences() {
        return jdbc.query("SELECT name, metric, entitlement, sites, relocation_days FROM licences ORDER BY name",
                s -> {}, r -> new Licence(r.getString(1), Licence.Metric.valueOf(r.getString(2)), r.getInt(3),
                        InventoryRows.strings(r.getString(4)), r.getInt(5)));
    }

    @Override
    public void put(Licence licence) {
        jdbc.inTransaction(connection -> {
            Jdbc.update(connection, "DELETE FROM licences WHERE name = ?", s -> s.setString(1, licence.name()));
            Jdbc.update(connection, "INSERT INTO licences (name, metric, entitlement, sites, relocation_days) VALUES"
                    + " (?, ?, ?, ?, ?)", s -> {
                        s.setString(1, licence.name());
                        s.setString(2, licence.metric().name());
                        s.setInt(3, licence.entitlement());
                        s.setString(4, InventoryRows.json(licence.siteIds()));
                        s.setInt(5, licence.relocationDays());
                    });
            return null;
        });
    }

    @Override
    public boolean deleteLicence(String name) {
        return jdbc.inTransaction(connection -> {
            Jdbc.update(connection, "DELETE FROM licence_bindings WHERE licence = ?", s -> s.setString(1, name));
            return Jdbc.update(connection, "DELETE FROM licences WHERE name = ?", s -> s.setString(1, name)) > 0;
        });
    }

    @Override
    public List<Licensing.Binding> licenceBindings() {
        return jdbc.query("SELECT vm_id, licence, host_id, since FROM licence_bindings ORDER BY vm_id, licence",
                s -> {}, r -> new Licensing.Binding(r.getString(1), r.getString(2), r.getString(3),
                        r.getObject(4, java.time.OffsetDateTime.class).toInstant()));
    }

    @Override
    public void put(Licensing.Binding binding) {
        jdbc.inTransaction(connection -> {
            Jdbc.update(connection, "DELETE FROM licence_bindings WHERE vm_id = ? AND licence = ?", s -> {
                s.setString(1, binding.vmId());
                s.setString(2, binding.licence());
            });
            Jdbc.update(connection, "INSERT INTO licence_bindings (vm_id, licence, host_id, since) VALUES (?, ?, ?, ?)",
                    s -> {
                        s.setString(1, binding.vmId());
                        s.setString(2, binding.licence());
                        s.setString(3, binding.hostId());
                        s.setObject(4, JdbcAlarms.offset(binding.since().truncatedTo(
                                java.time.temporal.ChronoUnit.MICROS)));
                    });
            return null;
        });
    }

    @Override
    public java.util.Optional<dev.paddock.drs.BalancingPolicy> balancingPolicy(String clusterId) {
        return jdbc.query("SELECT mode, threshold, minimum_gain, move_gain, max_moves, cool_down_seconds"
                + " FROM balancing_policies WHERE cluster_id = ?", s -> s.setString(1, clusterId),
                r -> new dev.paddock.drs.BalancingPolicy(dev.paddock.drs.BalancingPolicy.Mode.of(r.getString(1))
                        .orElse(dev.paddock.drs.BalancingPolicy.Mode.OFF), r.getDouble(2), r.getDouble(3),
                        r.getDouble(4), r.getInt(5), java.time.Duration.ofSeconds(r.getLong(6)),
                        dev.paddock.drs.BalancingPolicy.DEFAULT.migrationBytesPerSecond()))
                .stream().findFirst();
    }

    @Override
    public void put(String clusterId, dev.paddock.drs.BalancingPolicy policy) {
        jdbc.inTransaction(connection -> {
            Jdbc.update(connection, "DELETE FROM balancing_policies WHERE cluster_id = ?",
                    s -> s.setString(1, clusterId));
            Jdbc.update(connection, "INSERT INTO balancing_policies (cluster_id, mode, threshold, minimum_gain,"
                    + " move_gain, max_moves, cool_down_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)", s -> {
                        s.setString(1, clusterId);
                        s.setString(2, policy.mode().label());
                        s.setDouble(3, policy.threshold());
                        s.setDouble(4, policy.minimumGain());
                        s.setDouble(5, policy.moveGain());
                        s.setInt(6, policy.maxMoves());
                        s.setLong(7, policy.coolDown().toSeconds());
                    });
            return null;
        });
    }

    @Override
    public java.util.Optional<dev.paddock.drs.PowerPolicy> powerPolicy(String clusterId) {
        return jdbc.query("SELECT mode, high, target, low, minimum_on, settle_seconds FROM power_policies"
                + " WHERE cluster_id = ?", s -> s.setString(1, clusterId),
                r -> new dev.paddock.drs.PowerPolicy(dev.paddock.drs.BalancingPolicy.Mode.of(r.getString(1))
                        .orElse(dev.paddock.drs.BalancingPolicy.Mode.OFF), r.getDouble(2), r.getDouble(3),
                        r.getDouble(4), r.getInt(5), java.time.Duration.ofSeconds(r.getLong(6))))
                .stream().findFirst();
    }

    @Override
    public void put(String clusterId, dev.paddock.drs.PowerPolicy policy) {
        jdbc.inTransaction(connection -> {
            Jdbc.update(connection, "DELETE FROM power_policies WHERE cluster_id = ?", s -> s.setString(1, clusterId));
            Jdbc.update(connection, "INSERT INTO power_policies (cluster_id, mode, high, target, low, minimum_on,"
                    + " settle_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)", s -> {
                        s.setString(1, clusterId);
                        s.setString(2, policy.mode().label());
                        s.setDouble(3, policy.high());
                        s.setDouble(4, policy.target());
                        s.setDouble(5, policy.low());
                        s.setInt(6, policy.minimumOn());
                        s.setLong(7, policy.settle().toSeconds());
                    });
            return null;
        });
    }

    @Override
    public List<dev.paddock.drs.HostStandby> standbys() {
        return jdbc.query("SELECT host_id, cluster_id, state, since, operation_id, woken_at FROM power_standby"
                + " ORDER BY host_id", s -> {}, r -> new dev.paddock.drs.HostStandby(r.getString(1), r.getString(2),
                        dev.paddock.drs.HostStandby.State.valueOf(r.getString(3).toUpperCase(java.util.Locale.ROOT)),
                        r.getObject(4, java.time.OffsetDateTime.class).toInstant(), r.getString(5),
                        java.util.Optional.ofNullable(r.getObject(6, java.time.OffsetDateTime.class))
                                .map(java.time.OffsetDateTime::toInstant)));
    }

    @Override
    public void put(dev.paddock.drs.HostStandby standby) {
        jdbc.inTransaction(connection -> {
            Jdbc.update(connection, "DELETE FROM power_standby WHERE host_id = ?", s -> s.setString(1,
                    standby.hostId()));
            Jdbc.update(connection, "INSERT INTO power_standby (host_id, cluster_id, state, since, operation_id,"
                    + " woken_at) VALUES (?, ?, ?, ?, ?, ?)", s -> {
                        s.setString(1, standby.hostId());
                        s.setString(2, standby.clusterId());
                        s.setString(3, standby.state().label());
                        s.setObject(4, JdbcAlarms.offset(standby.since().truncatedTo(
                                java.time.temporal.ChronoUnit.MICROS)));
                        s.setString(5, standby.operationId());
                        if (standby.wokenAt().isPresent()) {
                            s.setObject(6, JdbcAlarms.offset(standby.wokenAt().get().truncatedTo(
                                    java.time.temporal.ChronoUnit.MICROS)));
                        } else {
                            s.setNull(6, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                        }
                    });
            return null;
        });
    }

    @Override
    public java.util.Map<String, java.time.Instant> balancingMoves(java.time.Instant since) {
        java.util.Map<String, java.time.Instant> moves = new java.util.HashMap<>();
        jdbc.query("SELECT vm_id, moved_at FROM balancing_moves WHERE moved_at >= ?",
                s -> s.setObject(1, JdbcAlarms.offset(since)),
                r -> moves.put(r.getString(1), r.getObject(2, java.time.OffsetDateTime.class).toInstant()));
        return moves;
    }

    @Override
    public void recordBalancingMoves(List<dev.paddock.drs.BalanceMove> moves, java.time.Instant at,
            String operationId) {
        jdbc.inTransaction(connection -> {
            for (dev.paddock.drs.BalanceMove move : moves) {
                Jdbc.update(connection, "DELETE FROM balancing_moves WHERE vm_id = ?",
                        s -> s.setString(1, move.vm().id()));
                Jdbc.update(connection, "INSERT INTO balancing_moves (vm_id, from_host_id, to_host_id, moved_at,"
                        + " operation_id) VALUES (?, ?, ?, ?, ?)", s -> {
                            s.setString(1, move.vm().id());
                            s.setString(2, move.fromHostId());
                            s.setString(3, move.toHostId());
                            s.setObject(4, JdbcAlarms.offset(at.truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
                            s.setString(5, operationId);
                        });
            }
            return null;
        });
    }

    @Override
    public void forgetBindings(java.util.Set<String> vmIds, java.util.Set<String> licenceNames) {
        for (Licensing.Binding binding : licenceBindings()) {
            if (!vmIds.contains(binding.vmId()) || !licenceNames.contains(binding.licence())) {
                jdbc.update("DELETE FROM licence_bindings WHERE vm_id = ? AND licence = ?", s -> {
                    s.setString(1, binding.vmId());
                    s.setString(2, binding.licence());
                });
            }
        }
    }

    @Override
    public boolean deleteNetwork(String id) {
        return jdbc.update("DELETE FROM networks WHERE id = ?", s -> s.setString(1, id)) > 0;
    }

    @Override
    public List<Datastore> datastores() {
        return jdbc.query(select(DATASTORE, "datastores") + " ORDER BY site_id, name", s -> {},
                InventoryRows::datastore);
    }

    @Override
    public Optional<Datastore> datastore(String id) {
        return jdbc.queryOne(select(DATASTORE, "datastores") + " WHERE id = ?", s -> s.setString(1, id),
                InventoryRows::datastore);
    }

    @Override
    public void put(Datastore datastore) {
        write(upsertDatastore, s -> InventoryRows.bind(s, datastore),
                () -> "a datastore named '" + datastore.name() + "' already exists in site " + datastore.siteId());
    }

    @Override
    public boolean updateObserved(Datastore datastore) {
        return jdbc.update(InventoryRows.DATASTORE_OBSERVED, s -> InventoryRows.bindObserved(s, datastore)) > 0;
    }

    @Override
    public boolean deleteDatastore(String id) {
        return jdbc.update("DELETE FROM datastores WHERE id = ?", s -> s.setString(1, id)) > 0;
    }

    @Override
    public List<Image> images() {
        return jdbc.query(select(InventoryRows.IMAGE, "images") + " ORDER BY datastore_id, name", s -> {},
                InventoryRows::image);
    }

    @Override
    public Optional<Image> image(String id) {
        return jdbc.queryOne(select(InventoryRows.IMAGE, "images") + " WHERE id = ?", s -> s.setString(1, id),
                InventoryRows::image);
    }

    @Override
    public void put(Image image) {
        write(upsertImage, s -> InventoryRows.bind(s, image),
                () -> "an image named '" + image.name() + "' already exists in that datastore");
    }

    @Override
    public boolean deleteImage(String id) {
        return jdbc.update("DELETE FROM images WHERE id = ?", s -> s.setString(1, id)) > 0;
    }

    @Override
    public List<Template> templates() {
        return jdbc.query(select(InventoryRows.TEMPLATE, "templates") + " ORDER BY name", s -> {},
                InventoryRows::template);
    }

    @Override
    public Optional<Template> template(String id) {
        return jdbc.queryOne(select(InventoryRows.TEMPLATE, "templates") + " WHERE id = ?", s -> s.setString(1, id),
                InventoryRows::template);
    }

    @Override
    public Optional<Template> templateByName(String name) {
        return jdbc.queryOne(select(InventoryRows.TEMPLATE, "templates") + " WHERE name = ?",
                s -> s.setString(1, name), InventoryRows::template);
    }

    @Override
    public void put(Template template) {
        write(upsertTemplate, s -> InventoryRows.bind(s, template),
                () -> "a template named '" + template.name() + "' already exists");
    }

    @Override
    public boolean deleteTemplate(String id) {
        return jdbc.update("DELETE FROM templates WHERE id = ?", s -> s.setString(1, id)) > 0;
    }

    @Override
    public Room room() {
        return jdbc.inSnapshot(connection -> new Room(
                Jdbc.query(connection, select(SITE, "sites") + " ORDER BY id", s -> {}, InventoryRows::site),
                Jdbc.query(connection, select(CLUSTER, "clusters") + " ORDER BY id", s -> {}, InventoryRows::cluster),
                Jdbc.query(connection, select(HOST, "hosts") + " ORDER BY id", s -> {}, InventoryRows::host),
                Jdbc.query(connection, select(VM, "vms") + " ORDER BY id", s -> {}, InventoryRows::vm),
                Jdbc.query(connection, select(NETWORK, "networks") + " ORDER BY id", s -> {}, InventoryRows::network),
                Jdbc.query(connection, select(DATASTORE, "datastores") + " ORDER BY id", s -> {},
                        InventoryRows::datastore))).withLicensing(Licensing.of(licences(), licenceBindings(),
                java.time.Instant.now()));
    }

    private void write(String upsert, Jdbc.Binder binder, java.util.function.Supplier<String> clash) {
        try {
            jdbc.update(upsert, binder);
        } catch (Jdbc.UniqueViolation e) {
            throw new DuplicateNameException(clash.get());
        }
    }

    /** For tests and the benchmark: how many VMs the store holds, without reading them. */
    public long vmCount() {
        return jdbc.queryOne("SELECT COUNT(*) FROM vms", s -> {}, r -> r.getLong(1)).orElse(0L);
    }
}
