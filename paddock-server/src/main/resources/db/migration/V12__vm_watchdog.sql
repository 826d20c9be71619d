-- A VM's guest watchdog, as "<model>:<action>" in libvirt's words (i6300esb:reset); NULL for none.
ALTER TABLE vms ADD COLUMN watchdog VARCHAR(64);
