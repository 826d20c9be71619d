package dev.paddock.api;

import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.OperationState;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.operation.plan.Step;
import dev.paddock.operation.StepState;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hand-written stand-in for the operations runner: it applies each plan's inventory effect to the
 * store at once and reports the operation DONE, or holds it RUNNING when told to. It lets the API be
 * tested end to end through HTTP without a hypervisor in the loop.
 */
final class InlineOperations implements Operations {

    private final InventoryStore store;
    private final List<OperationView> journal = new CopyOnWriteArrayList<>();
    private final Map<String, OperationPlan> plans = new ConcurrentHashMap<>();
    private final List<java.util.function.Consumer<String>> finished = new CopyOnWriteArrayList<>();
    private volatile boolean hold;

    InlineOperations(InventoryStore store) {
        this.store = store;
    }

    /** From now on, operations stay RUNNING with no step done until {@link #finishAll()}. */
    void hold() {
        hold = true;
    }

    void finishAll() {
        hold = false;
        for (OperationView view : journal) {
            if (!view.state().isFinal()) {
                replace(run(view.id(), plans.get(view.id()), view.created()));
                finished.forEach(listener -> listener.accept(view.id()));
            }
        }
    }

    List<OperationPlan> plans() {
        return journal.stream().map(view -> plans.get(view.id())).toList();
    }

    @Override
    public OperationView submit(OperationPlan plan) {
        String id = "op-" + (journal.size() + 1);
        plans.put(id, plan);
        Instant now = Instant.now();
        OperationView view = hold ? view(id, plan, OperationState.RUNNING, 0, now, StepState.PENDING)
                : run(id, plan, now);
        journal.add(view);
        if (view.state().isFinal()) {
            finished.forEach(listener -> listener.accept(id));
        }
        return view;
    }

    private OperationView run(String id, OperationPlan plan, Instant created) {
        plan.steps().forEach(this::apply);
        return view(id, plan, OperationState.DONE, plan.steps().size(), created, StepState.DONE);
    }

    private void apply(Step step) {
            switch (step) {
                case Step.RecordVm record -> store.put(record.vm());
                case Step.StartVm start -> setState(start.vmId(), VmState.RUNNING);
                case Step.ShutdownVm shutdown -> setState(shutdown.vmId(), VmState.STOPPED);
                case Step.DestroyVm destroy -> setState(destroy.vmId(), VmState.STOPPED);
                case Step.ForgetVm forget -> store.deleteVm(forget.vmId());
                case Step.QuarantineVm quarantine -> setState(quarantine.vmId(), VmState.PAUSED);
                case Step.DefineVm define -> { }
                case Step.UndefineVm undefine -> { }
                case Step.MigrateVm migrate -> store.vm(migrate.vmId())
                        .ifPresent(vm -> store.put(dev.paddock.storage.LocalDiskMoves.moved(vm, migrate.disks())
                                .withHost(migrate.toHostId())));
                case Step.FenceHost fence -> { }
                case Step.PowerOffHost off -> { }
                case Step.PowerOnHost on -> { }
                case Step.DefineNetwork define -> { }
                case Step.UndefineNetwork undefine -> { }
                case Step.RecordNetwork record -> store.put(record.network());
                case Step.ForgetNetwork forget -> store.deleteNetwork(forget.networkId());
                case Step.RecordDatastore record -> store.put(record.datastore());
                case Step.ForgetDatastore forget -> store.deleteDatastore(forget.datastoreId());
                case Step.DefinePool define -> { }
                case Step.UndefinePool undefine -> { }
                case Step.CreateNfsVolume create -> { }
                case Step.DeleteNfsVolume delete -> { }
                case Step.CloneNfsVolume clone -> { }
                case Step.WriteNfsSeed seed -> { }
                case Step.ResizeNfsVolume resize -> { }
                case Step.CreateVolume create -> { }
                case Step.CloneVolume clone -> { }
                case Step.WriteSeed seed -> { }
                case Step.DeleteVolume delete -> { }
                case Step.ResizeVolume resize -> { }
                case Step.AttachNic attach -> { }
                case Step.DetachNic detach -> { }
                case Step.AttachDisk attach -> { }
                case Step.DetachDisk detach -> { }
                case Step.GrowDisk grow -> { }
                case Step.SetVcpus set -> { }
                case Step.SetMemory set -> { }
                case Step.MirrorNic mirror -> { }
                case Step.BeginBackup begin -> { }
                case Step.CopyBackup copy -> { }
                case Step.EndBackup end -> { }
                case Step.DeleteCheckpoint delete -> { }
                case Step.ForgetCheckpoints forget -> { }
                case Step.ForgetRestorePoint forget -> { }
                case Step.RestoreVolume restore -> { }
                case Step.Parallel parallel -> parallel.steps().forEach(this::apply);
            }
    }

    private void setState(String vmId, VmState state) {
        store.vm(vmId).ifPresent(vm -> store.put(vm.withState(state)));
    }

    private static OperationView view(String id, OperationPlan plan, OperationState state, int done, Instant created,
            StepState stepState) {
        List<OperationView.StepView> steps = new ArrayList<>();
        for (int i = 0; i < plan.steps().size(); i++) {
            steps.add(new OperationView.StepView(i, plan.steps().get(i).describe(), stepState, Optional.empty(),
                    Optional.empty(), ""));
        }
        return new OperationView(id, plan.kind(), plan.target(), plan.owner(), state, done, plan.steps().size(),
                created, Instant.now(), Optional.empty(), steps);
    }

    private void replace(OperationView view) {
        journal.replaceAll(old -> old.id().equals(view.id()) ? view : old);
    }

    @Override
    public Optional<OperationView> get(String id) {
        return journal.stream().filter(view -> view.id().equals(id)).findFirst();
    }

    @Override
    public Page<OperationView> list(int offset, int limit) {
        List<OperationView> newestFirst = new ArrayList<>(journal);
        java.util.Collections.reverse(newestFirst);
        List<OperationView> items = newestFirst.subList(Math.min(offset, newestFirst.size()),
                Math.min(offset + limit, newestFirst.size()));
        return new Page<>(items, newestFirst.size(), offset, limit);
    }

    @Override
    public void onFinished(java.util.function.Consumer<String> listener) {
        finished.add(listener);
    }

    @Override
    public Map<String, OperationPlan> unfinishedPlans() {
        Map<String, OperationPlan> open = new java.util.LinkedHashMap<>();
        journal.stream().filter(view -> !view.state().isFinal()).forEach(view -> open.put(view.id(), plans.get(view.id())));
        return open;
    }

    @Override
    public boolean cancel(String id) {
        Optional<OperationView> view = get(id);
        if (view.isEmpty() || view.get().state().isFinal()) {
            return false;
        }
        OperationView v = view.get();
        replace(new OperationView(v.id(), v.kind(), v.target(), v.owner(), OperationState.CANCELLED, v.stepsDone(),
                v.stepsTotal(), v.created(), Instant.now(), Optional.of("cancelled"), v.steps()));
        finished.forEach(listener -> listener.accept(id));
        return true;
    }
}
