#ifndef LABRUNNER_CSYSTEM_H
#define LABRUNNER_CSYSTEM_H

// Linux calls Swift's Glibc module does not import (they need _GNU_SOURCE, which must not be
// defined here: it clashes with the Glibc module's fd_set). The bodies are in CSystem.c.

#include <spawn.h>

/// posix_spawn_file_actions_addclosefrom_np: the child closes every descriptor from `from` up, so
/// no pipe, PTY or log of another step leaks into it.
int csystem_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// setns(2) into a network namespace for the calling thread only (an SSH connection's own thread).
int csystem_enter_netns(int fd);

#endif
