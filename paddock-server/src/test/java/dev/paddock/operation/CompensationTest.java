package dev.paddock.operation;

import dev.paddock.operation.plan.Step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainSpec;
import org.junit.jupiter.api.Test;

class CompensationTest {

    @Test
    void recordingAVmIsUndoneByForgettingIt() {
        Step record = new Step.RecordVm(OperationFixtures.vm("v1", "web-1", "h1"));
        assertThat(Compensation.of(record)).contains(new Step.ForgetVm("v1"));
    }

    @Test
    void definingIsUndoneByUndefiningOnTheSameHost() {
        DomainSpec spec = DomainSpec.of("v1", "web-1", 1, 512);
        assertThat(Compensation.of(new Step.DefineVm("h1", spec))).contains(new Step.UndefineVm("h1", "v1"));
    }

    @Test
    void startingIsUndoneByPoweringOff() {
        assertThat(Compensation.of(new Step.StartVm("h1", "v1"))).contains(new Step.DestroyVm("h1", "v1"));
    }

    @Test
    void aMigrationIsUndoneByMigratingBack() {
        assertThat(Compensation.of(new Step.MigrateVm("v1", "h1", "h2")))
                .contains(new Step.MigrateVm("v1", "h2", "h1"));
    }

    @Test
    void aMigrationWithDisksIsUndoneByMigratingBackWithThemToWhereTheyWere() {
        Step.MigrateVm there = new Step.MigrateVm("v1", "h1", "h2", 64L,
                java.util.List.of(new Step.DiskMove("root", "local-h1", "local-h2", false)));

        assertThat(Compensation.of(there)).contains(new Step.MigrateVm("v1", "h2", "h1", null,
                java.util.List.of(new Step.DiskMove("root", "local-h2", "local-h1", false))));
    }

    @Test
    void aVolumeCreatedIsDeletedFromItsPoolAndADeletedOneStaysDeleted() {
        assertThat(Compensation.of(new Step.CreateVolume("h2", "local", "web.qcow2", 1024, "qcow2")))
                .contains(new Step.DeleteVolume("h2", "local", "web.qcow2"));
        assertThat(Compensation.of(new Step.DeleteVolume("h1", "local", "web.qcow2"))).isEmpty();
    }

    @Test
    void vcpusAndMemorySetAreSetBackToWhatTheDomainHad() {
        assertThat(Compensation.of(new Step.SetVcpus("h1", "v1", 4, 2))).contains(new Step.SetVcpus("h1", "v1", 2, 4));
        assertThat(Compensation.of(new Step.SetMemory("h1", "v1", 2048, 1024)))
                .contains(new Step.SetMemory("h1", "v1", 1024, 2048));
    }

    @Test
    void destructiveStepsHaveNoCompensation() {
        assertThat(Compensation.of(new Step.ShutdownVm("h1", "v1", 30))).isEmpty();
        assertThat(Compensation.of(new Step.DestroyVm("h1", "v1"))).isEmpty();
        assertThat(Compensation.of(new Step.UndefineVm("h1", "v1"))).isEmpty();
        assertThat(Compensation.of(new Step.ForgetVm("v1"))).isEmpty();
        assertThat(Compensation.of(new Step.QuarantineVm("h1", "v1"))).isEmpty();
        assertThat(Compensation.of(new Step.FenceHost("h1"))).isEmpty();
        assertThat(Compensation.of(new Step.ForgetDatastore("d1"))).isEmpty();
        assertThat(Compensation.of(new Step.UndefinePool("h1", "san"))).isEmpty();
    }

    @Test
    void aDatastoreRecordedIsForgottenAndAPoolDefinedIsUndefinedOnItsHost() {
        var datastore = dev.paddock.model.Datastore.ofPools("d1", "s1", "vms", true, java.util.Set.of(), "netfs",
                "nfs://nas/export", 0, 0, java.util.Map.of());
        var spec = new dev.paddock.hypervisor.PoolSpec("vms", dev.paddock.hypervisor.PoolType.NETFS,
                dev.paddock.hypervisor.PoolSource.nfs("nas", "/export"), "/mnt/vms");

        assertThat(Compensation.of(new Step.RecordDatastore(datastore))).contains(new Step.ForgetDatastore("d1"));
        assertThat(Compensation.of(new Step.DefinePool("h2", spec))).contains(new Step.UndefinePool("h2", "vms"));
    }

    @Test
    void stepsRunTogetherAreUndoneTogetherLeavingOutTheDestructiveOnes() {
        assertThat(Compensation.of(new Step.Parallel(java.util.List.of(new Step.StartVm("h1", "v1"),
                new Step.DestroyVm("h1", "v2"), new Step.StartVm("h2", "v3")))))
                .contains(new Step.Parallel(java.util.List.of(new Step.DestroyVm("h1", "v1"),
                        new Step.DestroyVm("h2", "v3"))));
        assertThat(Compensation.of(new Step.Parallel(java.util.List.of(new Step.DestroyVm("h1", "v2"))))).isEmpty();
    }

    @Test
    void aNetworkDefinedOnAHostIsUndoneByUndefiningItThereAndARecordedOneByForgettingIt() {
        assertThat(Compensation.of(new Step.DefineNetwork("h1", dev.paddock.hypervisor.NetworkSpec.isolated("n"))))
                .contains(new Step.UndefineNetwork("h1", "n"));
        assertThat(Compensation.of(new Step.RecordNetwork(new dev.paddock.model.Network("id", "s1", "n",
                java.util.OptionalInt.empty(), false, java.util.Set.of())))).contains(new Step.ForgetNetwork("id"));
        assertThat(Compensation.of(new Step.UndefineNetwork("h1", "n"))).isEmpty();
        assertThat(Compensation.of(new Step.ForgetNetwork("id"))).isEmpty();
    }
}
