package dev.paddock.operation;

import dev.paddock.operation.plan.Step;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.json.Json;
import dev.paddock.model.Watchdog;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StepJsonTest {

    private static final Watchdog WATCHDOG = new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.PAUSE);

    static List<Step> everyKindOfStep() {
        return List.of(
                new Step.RecordVm(OperationFixtures.vm("v1", "web-1", "h1")),
                new Step.RecordVm(OperationFixtures.vm("v2", "web-2", "h1").withWatchdog(Optional.of(WATCHDOG))),
                new Step.RecordVm(OperationFixtures.vm("v3", "web-3", "h1").withDisks(List.of(
                        dev.paddock.model.Disk.empty("root", "d1", 1, "web-3-root.qcow2")))),
                new Step.DefineVm("h1", OperationFixtures.spec("v1", "web-1")),
                new Step.DefineVm("h1", OperationFixtures.spec("v2", "web-2").withWatchdog(Optional.of(WATCHDOG))),
                new Step.StartVm("h1", "v1"),
                new Step.ShutdownVm("h1", "v1", 30),
                new Step.DestroyVm("h1", "v1"),
                new Step.UndefineVm("h1", "v1"),
                new Step.MigrateVm("v1", "h1", "h2"),
                new Step.ForgetVm("v1"),
                new Step.QuarantineVm("h1", "v1"),
                new Step.FenceHost("h1"),
                new Step.PowerOffHost("h3"),
                new Step.PowerOnHost("h3"),
                new Step.DefineNetwork("h1", dev.paddock.hypervisor.NetworkSpec.isolated("backend")),
                new Step.DefineNetwork("h1", dev.paddock.hypervisor.NetworkSpec.overBridge("lan", "br0")),
                new Step.UndefineNetwork("h1", "backend"),
                new Step.RecordNetwork(new dev.paddock.model.Network("n1", "s1", "backend",
                        java.util.OptionalInt.empty(), false, java.util.Set.of(), java.util.Map.of("h1",
                        new dev.paddock.model.Network.Carrier("backend", "pdk0000beef")))),
                new Step.ForgetNetwork("n1"),
                new Step.RecordDatastore(dev.paddock.model.Datastore.ofPools("d1", "s1", "san", true, java.util.Set.of(),
                        "iscsi-direct", "iscsi://10.79.0.200/iqn.2026-12.dev.paddock:lab", 0, 0, java.util.Map.of())),
                new Step.ForgetDatastore("d1"),
                new Step.DefinePool("h1", new dev.paddock.hypervisor.PoolSpec("san",
                        dev.paddock.hypervisor.PoolType.ISCSI_DIRECT, dev.paddock.hypervisor.PoolSource.iscsiDirect(
                                "10.79.0.200", "iqn.2026-12.dev.paddock:lab", "iqn.2026-12.dev.paddock:h1"), "")),
                new Step.DefinePool("h1", new dev.paddock.hypervisor.PoolSpec("nfs", dev.paddock.hypervisor.PoolType.NETFS,
                        dev.paddock.hypervisor.PoolSource.nfs("nas", "/export"), "/mnt/nfs")),
                new Step.UndefinePool("h1", "san"),
                new Step.RecordDatastore(dev.paddock.model.Datastore.onNfs("d2", "s1", "nas", java.util.Set.of("h1"),
                        new dev.paddock.model.NfsExport("10.79.0.200", "/export/paddock"), 10L << 30, 4L << 30)),
                new Step.CreateNfsVolume("d2", new dev.paddock.model.NfsExport("10.79.0.200", "/export/paddock"),
                        "web-1-root.qcow2", "qcow2", 1L << 30),
                new Step.DeleteNfsVolume("d2", new dev.paddock.model.NfsExport("10.79.0.200", "/export/paddock"),
                        "web-1-root.qcow2"),
                new Step.CloneNfsVolume("d2", new dev.paddock.model.NfsExport("10.79.0.200", "/export/paddock"),
                        "web-1-root.qcow2", "tiny.qcow2", "qcow2", true, 8L << 30),
                new Step.CloneNfsVolume("d2", new dev.paddock.model.NfsExport("10.79.0.200", "/export/paddock"),
                        "web-2-root.img", "tiny.img", "raw", false, 8L << 30),
                new Step.ResizeNfsVolume("d2", new dev.paddock.model.NfsExport("10.79.0.200", "/export/paddock"),
                        "web-1-root.qcow2", "qcow2", 16L << 30),
                new Step.WriteNfsSeed("d2", new dev.paddock.model.NfsExport("10.79.0.200", "/export/paddock"),
                        "web-1-seed.iso", "instance-id: \"v1\"\n", "#cloud-config\n", ""),
                new Step.CreateVolume("h1", "library", "web-1-data.qcow2", 4096, "qcow2"),
                new Step.CloneVolume("h1", "library", "web-1-root.qcow2", "tiny.qcow2", true, 8L << 30),
                new Step.WriteSeed("h1", "library", "web-1-seed.iso", "instance-id: \"v1\"\n", "#cloud-config\n", ""),
                new Step.DeleteVolume("h1", "library", "web-1-root.qcow2"),
                new Step.DefineVm("h1", OperationFixtures.spec("v3", "web-3").withDisks(List.of(
                        dev.paddock.hypervisor.DomainSpec.DiskSpec.volume("vda", "library", "web-3-root.qcow2", "qcow2", 8),
                        dev.paddock.hypervisor.DomainSpec.DiskSpec.volume("vdb", "library", "web-3-seed.iso", "raw", 0)
                                .asReadOnly())).withOsOnDisk(true).withFirmware(dev.paddock.model.Firmware.UEFI)),
                new Step.MigrateVm("v1", "h1", "h2", 64L, List.of(new Step.DiskMove("root", "d1", "d2", false),
                        new Step.DiskMove("data", "d1", "d2", true))),
                new Step.CreateVolume("h2", "local", "web-root.qcow2", 1024, "qcow2"),
                new Step.CloneVolume("h2", "local", "web-root.qcow2", "debian.qcow2", true, 1L << 30),
                new Step.ResizeVolume("h1", "local", "web-1-root.qcow2", 2L << 30),
                new Step.AttachNic("h1", "v1", dev.paddock.hypervisor.DomainSpec.NicSpec.onNetwork("52:54:00:00:00:01",
                        "backend")),
                new Step.AttachDisk("h1", "v1", dev.paddock.hypervisor.DomainSpec.DiskSpec.volume("vdb", "local",
                        "web-1-disk1.qcow2", "qcow2", 4)),
                new Step.DetachDisk("h1", "v1", dev.paddock.hypervisor.DomainSpec.DiskSpec.volume("vdc", "local",
                        "web-1-disk2.qcow2", "qcow2", 2)),
                new Step.GrowDisk("h1", "v1", "vda", 8L << 30),
                new Step.SetVcpus("h1", "v1", 4, 2),
                new Step.DefineVm("h1", OperationFixtures.spec("v4", "web-4")
                        .withMaxima(new dev.paddock.model.Maxima(Optional.of(4), Optional.of(4096L)))),
                new Step.RecordVm(OperationFixtures.vm("v4", "web-4", "h1")
                        .withMaxima(new dev.paddock.model.Maxima(Optional.empty(), Optional.of(4096L)))),
                new Step.SetMemory("h1", "v1", 2048, 1024),
                new Step.MirrorNic("h1", "v1", "52:54:00:00:10:01", java.util.Optional.of(new dev.paddock.model.Nic
                        .Mirror("ids0", dev.paddock.model.Nic.Direction.BOTH)), java.util.Optional.empty()),
                new Step.BeginBackup("h1", "v1", "paddock-p2", "paddock-p1", List.of("vda", "vdb"), "10.77.0.1",
                        10809),
                new Step.CopyBackup("r1", "v1", "p2", "p1", "10.77.0.1", 10809, List.of("vda"), 1_765_000_000_000L),
                new Step.EndBackup("h1", "v1", "paddock-p2"),
                new Step.DeleteCheckpoint("h1", "v1", "paddock-p1"),
                new Step.ForgetCheckpoints("h1", "v1"),
                new Step.ForgetRestorePoint("r1", "p2"),
                new Step.RestoreVolume("r1", "p2", "vda", "h2", "pool", "web-1-root.qcow2"),
                new Step.DetachNic("h1", "v1", new dev.paddock.hypervisor.DomainSpec.NicSpec("52:54:00:00:00:02",
                        "br0", Optional.of(10))),
                new Step.Parallel(List.of(new Step.DefineVm("h2", OperationFixtures.spec("v1", "web-1")),
                        new Step.StartVm("h2", "v2"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyKindOfStep")
    void aJournaledStepReadsBackEqual(Step step) throws Exception {
        ObjectMapper mapper = Json.mapper();
        String json = mapper.writerFor(Step.class).writeValueAsString(step);

        assertThat(json).contains("\"type\":\"" + step.getClass().getSimpleName() + "\"");
        assertThat(mapper.readValue(json, Step.class)).isEqualTo(step);
    }

    @org.junit.jupiter.api.Test
    void theTestAboveCoversEveryKindOfStep() {
        assertThat(everyKindOfStep().stream().map(Object::getClass).distinct().toList())
                .containsExactlyInAnyOrder(Step.class.getPermittedSubclasses());
    }

    @org.junit.jupiter.api.Test
    void aMigrationJournaledBeforeStorageMigrationReadsBackMovingNoDisk() throws Exception {
        String old = "{\"type\":\"MigrateVm\",\"vmId\":\"v1\",\"fromHostId\":\"h1\",\"toHostId\":\"h2\","
                + "\"bandwidthMibps\":null}";

        Step read = Json.mapper().readValue(old, Step.class);

        assertThat(read).isEqualTo(new Step.MigrateVm("v1", "h1", "h2"));
        assertThat(((Step.MigrateVm) read).copiesStorage()).isFalse();
    }

    @org.junit.jupiter.api.Test
    void aStepJournaledBeforeTheWatchdogExistedReadsBackWithoutOne() throws Exception {
        ObjectMapper mapper = Json.mapper();
        Step.DefineVm define = new Step.DefineVm("h1", OperationFixtures.spec("v1", "web-1"));
        Step.RecordVm record = new Step.RecordVm(OperationFixtures.vm("v1", "web-1", "h1"));
        String oldDefine = mapper.writerFor(Step.class).writeValueAsString(define).replace(",\"watchdog\":null", "");
        String oldRecord = mapper.writerFor(Step.class).writeValueAsString(record).replace(",\"watchdog\":null", "");

        assertThat(oldDefine).doesNotContain("watchdog");
        assertThat(oldRecord).doesNotContain("watchdog");
        assertThat(mapper.readValue(oldDefine, Step.class)).isEqualTo(define);
        assertThat(mapper.readValue(oldRecord, Step.class)).isEqualTo(record);
    }

    @Test
    void aNicWrittenBeforeAddressesAndTrustReadsAsUntrustedWithoutAddresses() throws Exception {
        dev.paddock.model.Nic read = Json.mapper().readValue("{\"networkId\":\"n1\",\"mac\":\"52:54:00:00:00:01\","
                + "\"inboundKbps\":8000,\"outboundKbps\":null,\"mirror\":null}", dev.paddock.model.Nic.class);

        assertThat(read).isEqualTo(new dev.paddock.model.Nic("n1", "52:54:00:00:00:01",
                java.util.OptionalLong.of(8000), java.util.OptionalLong.empty()));
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsString(read.withTrust(true).withAddresses(
                List.of("10.0.0.5"))), dev.paddock.model.Nic.class).addresses()).containsExactly("10.0.0.5");
    }

    @Test
    void aParallelStepJournaledBeforeItsLimitRunsAllItsPartsAtOnce() throws Exception {
        ObjectMapper mapper = Json.mapper();
        Step.Parallel limited = new Step.Parallel(List.of(new Step.StartVm("h1", "v1"), new Step.StartVm("h1", "v2"),
                new Step.StartVm("h2", "v3")), 2);
        String old = mapper.writerFor(Step.class).writeValueAsString(limited).replace(",\"atMost\":2", "");

        assertThat(old).doesNotContain("atMost");
        Step.Parallel read = (Step.Parallel) mapper.readValue(old, Step.class);
        assertThat(read.atMost()).isZero();
        assertThat(read.width()).isEqualTo(3);
        assertThat(mapper.readValue(mapper.writerFor(Step.class).writeValueAsString(limited), Step.class))
                .isEqualTo(limited);
    }

    /** A define step as the journal held it before the watchdog: disks, a tagged NIC and a direct boot. */
    private static final String ROUND_ONE_DEFINE = """
            {"type":"DefineVm","hostId":"h1","spec":{"uuid":"v1","name":"web-1","vcpus":2,"memoryMib":1024,\
            "disks":[{"target":"vda","path":"/var/lib/paddock/ds-1/web-1-root.qcow2","format":"qcow2","sizeGib":8}],\
            "nics":[{"mac":"52:54:00:00:00:01","network":"prod","vlan":120}],\
            "directBoot":{"kernel":"/k","initrd":"/i","cmdline":"console=ttyS0"}}}""";

    @org.junit.jupiter.api.Test
    void aDefineStepOfAnOlderJournalReadsBackWithEveryFieldItHad() throws Exception {
        Step read = Json.mapper().readValue(ROUND_ONE_DEFINE, Step.class);

        assertThat(read).isEqualTo(new Step.DefineVm("h1", dev.paddock.hypervisor.DomainSpec.of("v1", "web-1", 2, 1024)
                .withDisks(List.of(new dev.paddock.hypervisor.DomainSpec.DiskSpec("vda",
                        "/var/lib/paddock/ds-1/web-1-root.qcow2", "qcow2", 8)))
                .withNics(List.of(new dev.paddock.hypervisor.DomainSpec.NicSpec("52:54:00:00:00:01", "prod",
                        Optional.of(120))))
                .withDirectBoot(new dev.paddock.hypervisor.DomainSpec.DirectBoot("/k", "/i", "console=ttyS0"))));
    }

    @org.junit.jupiter.api.Test
    void aDefineStepWithoutDevicesReadsBackWithNone() throws Exception {
        Step read = Json.mapper().readValue("{\"type\":\"DefineVm\",\"hostId\":\"h1\",\"spec\":{\"uuid\":\"v1\","
                + "\"name\":\"web-1\",\"vcpus\":1,\"memoryMib\":512}}", Step.class);

        assertThat(read).isEqualTo(new Step.DefineVm("h1", dev.paddock.hypervisor.DomainSpec.of("v1", "web-1", 1, 512)));
    }
}
