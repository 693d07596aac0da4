/* The reference for `netdbg load`'s round-trip times: a plain blocking ping-pong
 * on loopback, timed with CLOCK_MONOTONIC right around send() and the recv() that
 * completes the echo, as netdbg times it.
 *
 *   pingpong server PORT            echo every read back (one client at a time)
 *   pingpong client PORT N SIZE     N round trips of SIZE bytes; prints p50 and p99 in µs
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

static int serve(int port) {
    int one = 1, listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = loopback(port);
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) || listen(listener, 128)) {
        perror("bind");
        return 1;
    }
    char buf[65536];
    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0) continue;
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ssize_t len;
        while ((len = recv(client, buf, sizeof buf, 0)) > 0) {
            for (ssize_t off = 0; off < len;) {
                ssize_t n = send(client, buf + off, len - off, 0);
                if (n <= 0) break;
                off += n;
            }
        }
        close(client);
    }
}

static int client(int port, int n, int size) {
    int one = 1, sock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = loopback(port);
    if (connect(sock, (struct sockaddr *)&addr, sizeof addr)) {
        perror("connect");
        return 1;
    }
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char *buf = calloc(size, 1);
    double *rtt = calloc(n, sizeof *rtt);
    for (int i = 0; i < n; i++) {
        double start = now_us();
        if (send(sock, buf, size, 0) != size) return 1;
        for (int got = 0; got < size;) {
            ssize_t len = recv(sock, buf + got, size - got, 0);
            if (len <= 0) return 1;
            got += len;
        }
        rtt[i] = now_us() - start;
    }
    qsort(rtt, n, sizeof *rtt, cmp);
    printf("%.1f %.1f\n", rtt[n / 2], rtt[n * 99 / 100]);
    close(sock);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && !strcmp(argv[1], "server")) return serve(atoi(argv[2]));
    if (argc >= 5 && !strcmp(argv[1], "client"))
        return client(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    fprintf(stderr, "usage: pingpong server PORT | client PORT N SIZE\n");
    return 2;
}
