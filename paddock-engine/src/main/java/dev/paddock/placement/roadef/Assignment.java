package dev.paddock.placement.roadef;

import java.util.Arrays;

/** The machine of every process, indexed by process id: an initial assignment or a solution. */
public final class Assignment {
    private final int[] machines;

    private Assignment(int[] machines) {
        this.machines = machines;
    }

    public static Assignment of(int... machines) {
        return new Assignment(machines.clone());
    }

    public int machineOf(int process) {
        return machines[process];
    }

    public int processes() {
        return machines.length;
    }

    public int[] toArray() {
        return machines.clone();
    }

    /** The same assignment with one process on another machine. */
    public Assignment with(int process, int machine) {
        int[] copy = machines.clone();
        copy[process] = machine;
        return new Assignment(copy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Assignment other && Arrays.equals(machines, other.machines);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(machines);
    }

    /** The challenge's solution format: the machine indices on one line, separated by spaces. */
    @Override
    public String toString() {
        StringBuilder line = new StringBuilder(machines.length * 4);
        for (int i = 0; i < machines.length; i++) {
            if (i > 0) {
                line.append(' ');
            }
            line.append(machines[i]);
        }
        return line.toString();
    }
}
