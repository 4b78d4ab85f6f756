/*
 * LD_PRELOAD shim for wrk: no TLS session resumption, so every new connection is a full handshake.
 *
 * wrk keeps one SSL object per connection slot; on reconnect it calls SSL_shutdown and then
 * SSL_clear, which keeps the (resumable) session, so its next SSL_connect offers it and a server
 * with a session cache or tickets resumes it. Dropping the session right after SSL_clear makes
 * the next handshake a full one, whatever the server allows. Nothing else in wrk changes.
 *
 *   cc -shared -fPIC -O2 -o wrk-no-resume.so wrk-no-resume.c -ldl
 *   LD_PRELOAD=./wrk-no-resume.so wrk -H 'Connection: close' https://...
 *
 * No OpenSSL headers needed: the two functions are declared here with opaque types.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

typedef struct ssl_st SSL;
typedef struct ssl_session_st SSL_SESSION;
int SSL_set_session(SSL *ssl, SSL_SESSION *session);

int SSL_clear(SSL *ssl) {
    static int (*real_clear)(SSL *);
    if (real_clear == NULL) {
        real_clear = (int (*)(SSL *)) dlsym(RTLD_NEXT, "SSL_clear");
    }
    int rc = real_clear(ssl);
    SSL_set_session(ssl, NULL);
    return rc;
}
