#ifndef LABRUNNER_CLIBVIRT_SHIM_H
#define LABRUNNER_CLIBVIRT_SHIM_H

// libvirt for the libvirt adapter (Drivers/Libvirt/LibvirtConnection.swift, its only importer).

#include <stddef.h>
#include <libvirt/libvirt.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>

/// An error handler that keeps libvirt from printing to stderr: errors are read with virGetLastError.
static inline void lr_virt_silent_errors(void *userdata, virErrorPtr error) { (void)userdata; (void)error; }

static inline void lr_virt_silence(void) { virSetErrorFunc(NULL, lr_virt_silent_errors); }

#endif
