-- What carries a network on each host, as a JSON object by host id ({"h1":{"libvirtName":"prod","bridge":"br0"}});
-- '{}' for a network declared by hand, which every host of its site carries.
ALTER TABLE networks ADD COLUMN carriers VARCHAR(32000) DEFAULT '{}' NOT NULL;
