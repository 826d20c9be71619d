/*
 * labwan: the delay half of the lab's WAN (lab.sh wan). This kernel has no netem, so packets are delayed in user
 * space: iptables sends the packets a namespace receives from a WAN host to NFQUEUE queue QUEUE, and this program
 * holds each one DELAY_MS milliseconds, in arrival order, then accepts it. Only the verdicts go back to the kernel
 * (packets are queued as metadata, GSO packets whole), so it keeps up with a rate-limited link on a small machine.
 *
 *   labwan QUEUE DELAY_MS
 *
 * It prints "ready" on stdout once it holds the queue (lab.sh adds its iptables rules only then), and on SIGTERM or
 * SIGINT accepts what it still holds before it exits, so stopping it loses no packet. Rules use --queue-bypass: a
 * queue nobody holds lets packets through undelayed.
 *
 * Build: gcc -O2 -Wall -o labwan labwan.c -lnetfilter_queue -lnfnetlink
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* Packets held at once, and the kernel's queue length: 100 Mbit/s for 1 s of delay is under 9000 full frames. */
#define CAPACITY 65536
#define RECEIVE_BUFFER (8 * 1024 * 1024)

struct held {
    uint32_t id;
    struct timespec due;
};

static struct held held[CAPACITY];
static size_t head;
static size_t count;
static long delay_ns;
static volatile sig_atomic_t stopping;

static void on_signal(int signal) {
    (void) signal;
    stopping = 1;
}

static struct timespec now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t;
}

static long long nanos(struct timespec t) {
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Called for each packet the kernel queues: remember when it may go. */
static int on_packet(struct nfq_q_handle *queue, struct nfgenmsg *message, struct nfq_data *data, void *unused) {
    (void) message;
    (void) unused;
    struct nfqnl_msg_packet_hdr *header = nfq_get_msg_packet_hdr(data);
    if (header == NULL) {
        return 0;
    }
    uint32_t id = ntohl(header->packet_id);
    if (count == CAPACITY) {
        /* a full router buffer drops; the kernel's queue has the same length, so this is only a safeguard */
        return nfq_set_verdict(queue, id, NF_DROP, 0, NULL);
    }
    long long due = nanos(now()) + delay_ns;
    struct held *slot = &held[(head + count) % CAPACITY];
    slot->id = id;
    slot->due.tv_sec = due / 1000000000LL;
    slot->due.tv_nsec = due % 1000000000LL;
    count++;
    return 0;
}

/*
 * Accepts every held packet whose time has come. Packet ids grow in arrival order and packets leave in that order,
 * so one batch verdict (all ids up to the last one due) releases them all.
 */
static void release(struct nfq_q_handle *queue, long long until) {
    uint32_t last = 0;
    int any = 0;
    while (count > 0 && nanos(held[head].due) <= until) {
        last = held[head].id;
        any = 1;
        head = (head + 1) % CAPACITY;
        count--;
    }
    if (any && nfq_set_verdict_batch(queue, last, NF_ACCEPT) < 0) {
        fprintf(stderr, "labwan: verdict failed: %s\n", strerror(errno));
    }
}

static int usage(void) {
    fprintf(stderr, "usage: labwan QUEUE DELAY_MS   (QUEUE 0..65535, DELAY_MS 0..10000)\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        return usage();
    }
    char *end;
    long queue_number = strtol(argv[1], &end, 10);
    if (*end != '\0' || queue_number < 0 || queue_number > 65535) {
        return usage();
    }
    long delay_ms = strtol(argv[2], &end, 10);
    if (*end != '\0' || delay_ms < 0 || delay_ms > 10000) {
        return usage();
    }
    delay_ns = delay_ms * 1000000L;

    sigset_t blocked, unblocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigprocmask(SIG_BLOCK, &blocked, &unblocked);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);

    struct nfq_handle *handle = nfq_open();
    if (handle == NULL) {
        fprintf(stderr, "labwan: cannot open nfnetlink: %s\n", strerror(errno));
        return 1;
    }
    struct nfq_q_handle *queue = nfq_create_queue(handle, (uint16_t) queue_number, on_packet, NULL);
    if (queue == NULL) {
        fprintf(stderr, "labwan: cannot hold queue %ld (held by another program?): %s\n", queue_number,
                strerror(errno));
        return 1;
    }
    if (nfq_set_mode(queue, NFQNL_COPY_META, 0) < 0 || nfq_set_queue_maxlen(queue, CAPACITY) < 0) {
        fprintf(stderr, "labwan: cannot configure queue %ld: %s\n", queue_number, strerror(errno));
        return 1;
    }
    /* GSO packets are queued whole instead of being cut into frames for us: they are only held, never read */
    nfq_set_queue_flags(queue, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO);
    nfnl_rcvbufsiz(nfq_nfnlh(handle), RECEIVE_BUFFER);
    int fd = nfq_fd(handle);
    int on = 1;
    /* a burst the socket cannot take drops those packets in the kernel; the program goes on */
    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &on, sizeof on);

    printf("ready\n");
    fflush(stdout);
    fprintf(stderr, "labwan: queue %ld, delay %ld ms\n", queue_number, delay_ms);

    static char buffer[65536 + 4096];
    struct pollfd readable = {.fd = fd, .events = POLLIN};
    while (!stopping) {
        struct timespec current = now();
        release(queue, nanos(current));
        struct timespec wait;
        struct timespec *timeout = NULL;
        if (count > 0) {
            long long left = nanos(held[head].due) - nanos(current);
            wait.tv_sec = left / 1000000000LL;
            wait.tv_nsec = left % 1000000000LL;
            timeout = &wait;
        }
        int ready = ppoll(&readable, 1, timeout, &unblocked);
        if (ready < 0 && errno != EINTR) {
            fprintf(stderr, "labwan: poll failed: %s\n", strerror(errno));
            break;
        }
        if (ready <= 0) {
            continue;
        }
        /* a bounded batch, so that packets due are released on time however fast others arrive */
        for (int batch = 0; batch < 256; batch++) {
            ssize_t received = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (received < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                    fprintf(stderr, "labwan: receive failed: %s\n", strerror(errno));
                }
                break;
            }
            nfq_handle_packet(handle, buffer, (int) received);
        }
    }
    /* stopping: whatever is held goes now rather than being dropped with the queue */
    release(queue, INT64_MAX);
    nfq_destroy_queue(queue);
    nfq_close(handle);
    fprintf(stderr, "labwan: queue %ld released\n", queue_number);
    return 0;
}
