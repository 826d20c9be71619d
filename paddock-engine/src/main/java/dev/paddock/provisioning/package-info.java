/**
 * Provisioning decisions: what a new VM's guest is told at first boot ({@link dev.paddock.provisioning.CloudInit},
 * the files of a cloud-init NoCloud seed). Pure: the server writes the seed image and attaches it.
 */
package dev.paddock.provisioning;
