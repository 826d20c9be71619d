#!/usr/bin/python3
"""An IPMI BMC (pyghmi, IPMI 2.0 lanplus) for one lab host: its workload is the host itself.

    labbmc.py ADDRESS NETNS RUNDIR -- POWER-ON-COMMAND...

Power on runs POWER-ON-COMMAND (lab.sh's own host start), power off kills every process in network namespace
NETNS (libvirtd, virtlockd, virtlogd, QEMU: whatever the host runs) and empties RUNDIR, as a reboot would empty
/run. The power state is the truth of the moment: on while any process lives in NETNS. The BMC listens on
ADDRESS:623 inside its own management namespace, so cutting the host's network leaves it reachable.
User admin, password password, as lab BMCs go.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

import pyghmi.ipmi.bmc as bmc


def pids_in(netns):
    """The pids whose network namespace is NETNS (what `ip netns pids` prints), read from /proc."""
    try:
        target = os.stat('/run/netns/' + netns)
    except FileNotFoundError:
        return []
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            st = os.stat('/proc/%s/ns/net' % entry)
        except OSError:
            continue
        if st.st_ino == target.st_ino and st.st_dev == target.st_dev:
            pids.append(int(entry))
    return pids


class LabBmc(bmc.Bmc):
    def __init__(self, address, netns, rundir, power_on_command):
        super().__init__({'admin': 'password'}, port=623, address=address)
        self.netns, self.rundir, self.power_on_command = netns, rundir, power_on_command

    def get_power_state(self):
        return 'on' if pids_in(self.netns) else 'off'

    def power_off(self):
        deadline = time.monotonic() + 10
        while True:
            pids = pids_in(self.netns)
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if time.monotonic() > deadline:
                return 0xd5  # cannot perform the command now: something in the host would not die
            time.sleep(0.05)
        for entry in os.listdir(self.rundir):
            path = os.path.join(self.rundir, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass
        return None

    def power_on(self):
        if self.get_power_state() == 'on':
            return None
        started = subprocess.run(self.power_on_command, start_new_session=True, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if started.returncode != 0:
            sys.stderr.write('power on failed: %s\n' % started.stderr.decode(errors='replace'))
            return 0xd5
        return None

    def power_reset(self):
        rc = self.power_off()
        return rc if rc else self.power_on()

    power_cycle = power_reset
    power_shutdown = power_off

    def is_active(self):
        return self.get_power_state() == 'on'


def main(argv):
    if '--' not in argv or argv.index('--') != 4 or len(argv) < 6:
        sys.stderr.write('usage: labbmc.py ADDRESS NETNS RUNDIR -- POWER-ON-COMMAND...\n')
        return 2
    LabBmc(argv[1], argv[2], argv[3], argv[5:]).listen()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
