#define _GNU_SOURCE
#include <sched.h>
#include <spawn.h>
#include "CSystem.h"

int csystem_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int csystem_enter_netns(int fd) {
    return setns(fd, CLONE_NEWNET);
}
