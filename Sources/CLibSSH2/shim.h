#ifndef LABRUNNER_CLIBSSH2_SHIM_H
#define LABRUNNER_CLIBSSH2_SHIM_H

// libssh2 for the SSH adapter (Drivers/SSH/LibSSH2Connection.swift, its only importer).
// Its function-like macros do not import into Swift; these inline functions stand in for them.

#include <libssh2.h>

static inline LIBSSH2_SESSION *lr_ssh2_session_init(void) { return libssh2_session_init(); }

static inline int lr_ssh2_userauth_publickey_fromfile(LIBSSH2_SESSION *s, const char *user, const char *publickey,
                                                      const char *privatekey, const char *passphrase) {
    return libssh2_userauth_publickey_fromfile(s, user, publickey, privatekey, passphrase);
}

static inline int lr_ssh2_userauth_password(LIBSSH2_SESSION *s, const char *user, const char *password) {
    return libssh2_userauth_password(s, user, password);
}

static inline LIBSSH2_CHANNEL *lr_ssh2_channel_open_session(LIBSSH2_SESSION *s) { return libssh2_channel_open_session(s); }

static inline LIBSSH2_CHANNEL *lr_ssh2_channel_direct_tcpip(LIBSSH2_SESSION *s, const char *host, int port) {
    return libssh2_channel_direct_tcpip(s, host, port);
}

static inline int lr_ssh2_channel_exec(LIBSSH2_CHANNEL *c, const char *command) { return libssh2_channel_exec(c, command); }

static inline ssize_t lr_ssh2_channel_read(LIBSSH2_CHANNEL *c, char *buffer, size_t length) {
    return libssh2_channel_read(c, buffer, length);
}

static inline ssize_t lr_ssh2_channel_read_stderr(LIBSSH2_CHANNEL *c, char *buffer, size_t length) {
    return libssh2_channel_read_stderr(c, buffer, length);
}

static inline ssize_t lr_ssh2_channel_write(LIBSSH2_CHANNEL *c, const char *buffer, size_t length) {
    return libssh2_channel_write(c, buffer, length);
}

static inline int lr_ssh2_channel_request_pty(LIBSSH2_CHANNEL *c, const char *term) {
    return libssh2_channel_request_pty(c, term);
}

static inline int lr_ssh2_channel_shell(LIBSSH2_CHANNEL *c) { return libssh2_channel_shell(c); }

static inline int lr_ssh2_knownhost_readline(LIBSSH2_KNOWNHOSTS *h, const char *line, size_t length) {
    return libssh2_knownhost_readline(h, line, length, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
}

static inline int lr_ssh2_knownhost_writeline(LIBSSH2_KNOWNHOSTS *h, struct libssh2_knownhost *entry, char *buffer, size_t length, size_t *written) {
    return libssh2_knownhost_writeline(h, entry, buffer, length, written, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
}

#endif
