-- What a VM's consoles need beyond the model: the password of its VNC display, made by Paddock on first use and
-- given to every definition of its domain. A secret: no API listing, log or audit entry shows it.
CREATE TABLE vm_consoles (
    vm_id        VARCHAR(128) PRIMARY KEY,
    vnc_password VARCHAR(64) NOT NULL
);
