// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0)
// keploy for .NET: cgroup-scoped socket hooks for one capture run.
//
// Attached only to the run's own cgroup v2 (never to the root, never pinned):
//   cgroup/connect4, cgroup/connect6   rewrite the app's TCP connects to the tool's proxy and remember the original
//                                      destination by socket cookie;
//   sockops (BPF_SOCK_OPS_TCP_CONNECT_CB) copy that destination to a map keyed by the client's local port, which the
//                                      proxy reads (and deletes) after accept();
//   cgroup/getpeername4, getpeername6  hand the app back the original peer;
//   cgroup/sendmsg4, sendmsg6          send the app's unconnected UDP DNS (destination port 53) to the tool's DNS server
//                                      (Keploy's dnsPort) and remember the original resolver by socket cookie and by the
//                                      app's local port (the DNS server reads the latter to forward in record mode);
//                                      connect4/6 do the same for connected UDP DNS sockets (glibc's resolver connects);
//   cgroup/recvmsg4, recvmsg6          the DNS server's answers come back with the original resolver as their source, so
//                                      the app's resolver accepts them;
//   cgroup/bind4, bind6 + post_bind4/6 (record mode only) move the app's listening TCP port to an ephemeral one and
//                                      report {family, original port, new port, bound address} on a ring buffer; with
//                                      ingress capture on, the port is left where the app asked and only reported;
//   fexit on the socket syscalls       (record mode, ingress capture) accept/accept4 of a connection on a listening port
//                                      the app bound, then every read/recvfrom/readv/recvmsg and write/sendto/writev/sendmsg
//                                      on it and its close, copied to the data_events ring buffer: the app's own traffic,
//                                      recorded without a relay in its path (Keploy v2's ingress design, syscall probes).
//
// Byte orders (include/uapi/linux/bpf.h): bpf_sock_addr.user_port and user_ip4/user_ip6 are network order;
// bpf_sock_ops.local_port is host order, remote_port network order; bpf_sock.src_port is host order, src_ip4/src_ip6 network order.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define KEPLOY_AF_INET 2
#define KEPLOY_AF_INET6 10
#define KEPLOY_SOCK_STREAM 1
#define KEPLOY_SOCK_DGRAM 2
#define KEPLOY_MAX_PASS_THROUGH 10

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// Written once by user space after load, before attaching. Layout mirrors KeployBpfConfig in BpfStructs.cs.
struct keploy_config {
    __u32 proxy_ip4;      // network order
    __u32 proxy_ip6[4];   // network order
    __u32 proxy_port;     // network order in the low 16 bits
    __u32 pass_count;
    __u32 pass_ports[KEPLOY_MAX_PASS_THROUGH]; // host order
    __u32 dns_port;       // network order in the low 16 bits; 0 = DNS not redirected
    __u32 ingress_capture; // 1 = record incoming connections by syscall capture (the app keeps its port), 0 = move the port
    __u32 reserved;
    __u64 app_cgroup_id;  // cgroup v2 id (inode number) of the run's cgroup: the syscall probes ignore every other task
};

// Original destination of a redirected connection. Layout mirrors KeployOriginalDestination in BpfStructs.cs.
struct keploy_orig_dst {
    __u32 family;   // AF_INET or AF_INET6 (AF_INET6 also for v4-mapped addresses)
    __u32 port;     // network order in the low 16 bits
    __u32 ip4;      // network order
    __u32 ip6[4];   // network order
};

// Ring-buffer record for a moved listening port. Layout mirrors KeployBindEvent in BpfStructs.cs.
struct keploy_bind_event {
    __u32 pid;
    __u32 family;
    __u32 orig_port; // host order
    __u32 new_port;  // host order
    __u32 ip4;       // the bound address (AF_INET), network order
    __u32 ip6[4];    // the bound address (AF_INET6), network order
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct keploy_config);
} keploy_config_map SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, __u64); // socket cookie
    __type(value, struct keploy_orig_dst);
} orig_dst_by_cookie SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, __u32); // client local port, host order
    __type(value, struct keploy_orig_dst);
} orig_dst_by_port SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 4096);
    __type(key, __u64); // socket cookie
    __type(value, __u32); // original port, host order
} pending_binds SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 16384);
    __type(key, __u32); // the app's UDP local port, host order
    __type(value, struct keploy_orig_dst);
} dns_dst_by_port SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 64 * 1024);
} bind_events SEC(".maps");

// ---- Ingress capture (record mode): the app's own socket syscalls on accepted connections -------------------------------

#define KEPLOY_EV_OPEN 1   // accept returned a connection on a recorded port
#define KEPLOY_EV_READ 2   // bytes the app read from the client
#define KEPLOY_EV_WRITE 3  // bytes the app wrote to the client
#define KEPLOY_EV_CLOSE 4  // the app closed the connection
#define KEPLOY_MAX_CHUNKS 16 // per buffer (a read/write, or one iovec): 16 x 16 KiB; bytes beyond are skipped (user space sees the gap)
#define KEPLOY_MAX_IOV 128  // iovecs looked at per readv/writev/recvmsg/sendmsg (Kestrel sends one per 4 KiB segment); later ones are skipped
#define KEPLOY_MSG_PEEK 2

// Ports the app bound (host order) -> 1 recorded, 0 excluded by user space (record.filters).
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, __u32);
} ingress_ports SEC(".maps");

// A recorded connection: its id and the bytes seen so far in each direction (the stream offsets user space checks).
struct keploy_conn {
    __u64 id;
    __u64 read_offset;
    __u64 write_offset;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 65536);
    __type(key, __u64); // tgid << 32 | fd
    __type(value, struct keploy_conn);
} ingress_conns SEC(".maps");

// [0] next connection id, [1] events lost because data_events was full, [2] bytes skipped (limits, sendfile).
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 3);
    __type(key, __u32);
    __type(value, __u64);
} ingress_counters SEC(".maps");

// Header of every data_events record. Layout mirrors KeployDataEvent in BpfStructs.cs.
struct keploy_data_header {
    __u64 conn_id;
    __u64 ts_ns;     // bpf_ktime_get_ns() (CLOCK_MONOTONIC) when the syscall returned
    __u64 offset;    // READ/WRITE: stream offset of the first byte; CLOSE: bytes read; OPEN: 0
    __u32 kind;      // KEPLOY_EV_*
    __u32 len;       // data bytes after the header
    __u32 pid;       // tgid
    __u32 fd;
    __u32 family;    // OPEN: AF_INET or AF_INET6
    __u16 local_port;  // OPEN: host order
    __u16 remote_port; // OPEN: host order
    __u32 remote_ip4;  // OPEN: network order
    __u32 remote_ip6[4];
    __u64 end_offset;  // CLOSE: bytes written
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 64 * 1024 * 1024);
} data_events SEC(".maps");

static __always_inline struct keploy_config *get_config(void)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&keploy_config_map, &zero);
}

static __always_inline int is_pass_through(const struct keploy_config *cfg, __u32 port_host)
{
#pragma unroll
    for (int i = 0; i < KEPLOY_MAX_PASS_THROUGH; i++) {
        if (i >= cfg->pass_count) {
            break;
        }
        if (cfg->pass_ports[i] == port_host) {
            return 1;
        }
    }
    return 0;
}

static __always_inline int is_v4_mapped(__u32 a0, __u32 a1, __u32 a2)
{
    return a0 == 0 && a1 == 0 && a2 == bpf_htonl(0x0000ffff);
}

// Points an IPv6 sock_addr at the tool on port_net. A dual-stack socket going to an IPv4 peer stays IPv4: it is sent to the
// IPv4 proxy address as ::ffff:a.b.c.d.
static __always_inline void to_proxy6(struct bpf_sock_addr *ctx, const struct keploy_config *cfg, int mapped, __u32 port_net)
{
    if (mapped) {
        ctx->user_ip6[0] = 0;
        ctx->user_ip6[1] = 0;
        ctx->user_ip6[2] = bpf_htonl(0x0000ffff);
        ctx->user_ip6[3] = cfg->proxy_ip4;
    } else {
        ctx->user_ip6[0] = cfg->proxy_ip6[0];
        ctx->user_ip6[1] = cfg->proxy_ip6[1];
        ctx->user_ip6[2] = cfg->proxy_ip6[2];
        ctx->user_ip6[3] = cfg->proxy_ip6[3];
    }
    ctx->user_port = port_net;
}

static __always_inline int is_dns(const struct bpf_sock_addr *ctx, const struct keploy_config *cfg)
{
    return ctx->type == KEPLOY_SOCK_DGRAM && cfg->dns_port != 0 && ctx->user_port == bpf_htons(53) && !is_pass_through(cfg, 53);
}

static __always_inline void remember_dns(struct bpf_sock_addr *ctx, struct keploy_orig_dst *dst)
{
    __u64 cookie = bpf_get_socket_cookie(ctx);
    bpf_map_update_elem(&orig_dst_by_cookie, &cookie, dst, BPF_ANY);
    struct bpf_sock *sk = ctx->sk;
    if (sk) {
        __u32 local_port = sk->src_port;
        if (local_port != 0) {
            bpf_map_update_elem(&dns_dst_by_port, &local_port, dst, BPF_ANY);
        }
    }
}

// UDP DNS to any resolver (port 53) goes to the tool's DNS server on the proxy address; the original resolver is kept by
// socket cookie (recvmsg, getpeername) and, when the socket already has its local port (sendmsg), by that port.
static __always_inline int redirect_dns4(struct bpf_sock_addr *ctx, const struct keploy_config *cfg)
{
    struct keploy_orig_dst dst = {};
    dst.family = KEPLOY_AF_INET;
    dst.port = ctx->user_port;
    dst.ip4 = ctx->user_ip4;
    remember_dns(ctx, &dst);
    ctx->user_ip4 = cfg->proxy_ip4;
    ctx->user_port = cfg->dns_port;
    return 1;
}

static __always_inline int redirect_dns6(struct bpf_sock_addr *ctx, const struct keploy_config *cfg)
{
    struct keploy_orig_dst dst = {};
    dst.family = KEPLOY_AF_INET6;
    dst.port = ctx->user_port;
    dst.ip6[0] = ctx->user_ip6[0];
    dst.ip6[1] = ctx->user_ip6[1];
    dst.ip6[2] = ctx->user_ip6[2];
    dst.ip6[3] = ctx->user_ip6[3];
    int mapped = is_v4_mapped(dst.ip6[0], dst.ip6[1], dst.ip6[2]);
    remember_dns(ctx, &dst);
    to_proxy6(ctx, cfg, mapped, cfg->dns_port);
    return 1;
}

SEC("cgroup/connect4")
int keploy_connect4(struct bpf_sock_addr *ctx)
{
    if (ctx->type == KEPLOY_SOCK_DGRAM) {
        struct keploy_config *dcfg = get_config();
        return dcfg && is_dns(ctx, dcfg) ? redirect_dns4(ctx, dcfg) : 1;
    }
    if (ctx->type != KEPLOY_SOCK_STREAM) {
        return 1;
    }
    struct keploy_config *cfg = get_config();
    if (!cfg || cfg->proxy_port == 0) {
        return 1;
    }
    __u32 port_net = ctx->user_port;
    __u32 ip4 = ctx->user_ip4;
    if (is_pass_through(cfg, bpf_ntohs((__u16)port_net))) {
        return 1;
    }
    if (ip4 == cfg->proxy_ip4 && port_net == cfg->proxy_port) {
        return 1;
    }
    struct keploy_orig_dst dst = {};
    dst.family = KEPLOY_AF_INET;
    dst.port = port_net;
    dst.ip4 = ip4;
    __u64 cookie = bpf_get_socket_cookie(ctx);
    bpf_map_update_elem(&orig_dst_by_cookie, &cookie, &dst, BPF_ANY);
    ctx->user_ip4 = cfg->proxy_ip4;
    ctx->user_port = cfg->proxy_port;
    return 1;
}

SEC("cgroup/connect6")
int keploy_connect6(struct bpf_sock_addr *ctx)
{
    if (ctx->type == KEPLOY_SOCK_DGRAM) {
        struct keploy_config *dcfg = get_config();
        return dcfg && is_dns(ctx, dcfg) ? redirect_dns6(ctx, dcfg) : 1;
    }
    if (ctx->type != KEPLOY_SOCK_STREAM) {
        return 1;
    }
    struct keploy_config *cfg = get_config();
    if (!cfg || cfg->proxy_port == 0) {
        return 1;
    }
    __u32 port_net = ctx->user_port;
    __u32 a0 = ctx->user_ip6[0];
    __u32 a1 = ctx->user_ip6[1];
    __u32 a2 = ctx->user_ip6[2];
    __u32 a3 = ctx->user_ip6[3];
    if (is_pass_through(cfg, bpf_ntohs((__u16)port_net))) {
        return 1;
    }
    int mapped = is_v4_mapped(a0, a1, a2);
    if (port_net == cfg->proxy_port) {
        if (mapped && a3 == cfg->proxy_ip4) {
            return 1;
        }
        if (!mapped && a0 == cfg->proxy_ip6[0] && a1 == cfg->proxy_ip6[1] && a2 == cfg->proxy_ip6[2] &&
            a3 == cfg->proxy_ip6[3]) {
            return 1;
        }
    }
    struct keploy_orig_dst dst = {};
    dst.family = KEPLOY_AF_INET6;
    dst.port = port_net;
    dst.ip6[0] = a0;
    dst.ip6[1] = a1;
    dst.ip6[2] = a2;
    dst.ip6[3] = a3;
    __u64 cookie = bpf_get_socket_cookie(ctx);
    bpf_map_update_elem(&orig_dst_by_cookie, &cookie, &dst, BPF_ANY);
    to_proxy6(ctx, cfg, mapped, cfg->proxy_port);
    return 1;
}

SEC("sockops")
int keploy_sockops(struct bpf_sock_ops *skops)
{
    if (skops->op != BPF_SOCK_OPS_TCP_CONNECT_CB) {
        return 1;
    }
    __u64 cookie = bpf_get_socket_cookie(skops);
    struct keploy_orig_dst *dst = bpf_map_lookup_elem(&orig_dst_by_cookie, &cookie);
    if (!dst) {
        return 1;
    }
    __u32 local_port = skops->local_port;
    struct keploy_orig_dst copy = *dst;
    bpf_map_update_elem(&orig_dst_by_port, &local_port, &copy, BPF_ANY);
    return 1;
}

SEC("cgroup/getpeername4")
int keploy_getpeername4(struct bpf_sock_addr *ctx)
{
    __u64 cookie = bpf_get_socket_cookie(ctx);
    struct keploy_orig_dst *dst = bpf_map_lookup_elem(&orig_dst_by_cookie, &cookie);
    if (dst && dst->family == KEPLOY_AF_INET) {
        ctx->user_ip4 = dst->ip4;
        ctx->user_port = dst->port;
    }
    return 1;
}

SEC("cgroup/getpeername6")
int keploy_getpeername6(struct bpf_sock_addr *ctx)
{
    __u64 cookie = bpf_get_socket_cookie(ctx);
    struct keploy_orig_dst *dst = bpf_map_lookup_elem(&orig_dst_by_cookie, &cookie);
    if (dst && dst->family == KEPLOY_AF_INET6) {
        ctx->user_ip6[0] = dst->ip6[0];
        ctx->user_ip6[1] = dst->ip6[1];
        ctx->user_ip6[2] = dst->ip6[2];
        ctx->user_ip6[3] = dst->ip6[3];
        ctx->user_port = dst->port;
    }
    return 1;
}

SEC("cgroup/sendmsg4")
int keploy_sendmsg4(struct bpf_sock_addr *ctx)
{
    struct keploy_config *cfg = get_config();
    return cfg && is_dns(ctx, cfg) ? redirect_dns4(ctx, cfg) : 1;
}

SEC("cgroup/sendmsg6")
int keploy_sendmsg6(struct bpf_sock_addr *ctx)
{
    struct keploy_config *cfg = get_config();
    return cfg && is_dns(ctx, cfg) ? redirect_dns6(ctx, cfg) : 1;
}

// An answer from the tool's DNS server shows the resolver the app asked as its source.
SEC("cgroup/recvmsg4")
int keploy_recvmsg4(struct bpf_sock_addr *ctx)
{
    struct keploy_config *cfg = get_config();
    if (!cfg || cfg->dns_port == 0 || ctx->user_port != cfg->dns_port || ctx->user_ip4 != cfg->proxy_ip4) {
        return 1;
    }
    __u64 cookie = bpf_get_socket_cookie(ctx);
    struct keploy_orig_dst *dst = bpf_map_lookup_elem(&orig_dst_by_cookie, &cookie);
    if (dst && dst->family == KEPLOY_AF_INET) {
        ctx->user_ip4 = dst->ip4;
        ctx->user_port = dst->port;
    }
    return 1;
}

SEC("cgroup/recvmsg6")
int keploy_recvmsg6(struct bpf_sock_addr *ctx)
{
    struct keploy_config *cfg = get_config();
    if (!cfg || cfg->dns_port == 0 || ctx->user_port != cfg->dns_port) {
        return 1;
    }
    __u32 a0 = ctx->user_ip6[0];
    __u32 a1 = ctx->user_ip6[1];
    __u32 a2 = ctx->user_ip6[2];
    __u32 a3 = ctx->user_ip6[3];
    int from_proxy = (is_v4_mapped(a0, a1, a2) && a3 == cfg->proxy_ip4) ||
                     (a0 == cfg->proxy_ip6[0] && a1 == cfg->proxy_ip6[1] && a2 == cfg->proxy_ip6[2] && a3 == cfg->proxy_ip6[3]);
    if (!from_proxy) {
        return 1;
    }
    __u64 cookie = bpf_get_socket_cookie(ctx);
    struct keploy_orig_dst *dst = bpf_map_lookup_elem(&orig_dst_by_cookie, &cookie);
    if (dst && dst->family == KEPLOY_AF_INET6) {
        ctx->user_ip6[0] = dst->ip6[0];
        ctx->user_ip6[1] = dst->ip6[1];
        ctx->user_ip6[2] = dst->ip6[2];
        ctx->user_ip6[3] = dst->ip6[3];
        ctx->user_port = dst->port;
    }
    return 1;
}

static __always_inline int move_bind(struct bpf_sock_addr *ctx)
{
    if (ctx->type != KEPLOY_SOCK_STREAM) {
        return 1;
    }
    __u32 port_host = bpf_ntohs((__u16)ctx->user_port);
    if (port_host == 0) {
        return 1;
    }
    struct keploy_config *cfg = get_config();
    if (!cfg || is_pass_through(cfg, port_host)) {
        return 1;
    }
    __u64 cookie = bpf_get_socket_cookie(ctx);
    bpf_map_update_elem(&pending_binds, &cookie, &port_host, BPF_ANY);
    if (!cfg->ingress_capture) {
        ctx->user_port = 0; // let the kernel choose an ephemeral port; post_bind learns it
    }
    return 1;
}

SEC("cgroup/bind4")
int keploy_bind4(struct bpf_sock_addr *ctx)
{
    return move_bind(ctx);
}

SEC("cgroup/bind6")
int keploy_bind6(struct bpf_sock_addr *ctx)
{
    return move_bind(ctx);
}

static __always_inline int report_bind(struct bpf_sock *sk, __u32 family)
{
    __u64 cookie = bpf_get_socket_cookie(sk);
    __u32 *orig = bpf_map_lookup_elem(&pending_binds, &cookie);
    if (!orig) {
        return 1;
    }
    __u32 orig_port = *orig;
    bpf_map_delete_elem(&pending_binds, &cookie);
    __u32 recorded = 1;
    // Ingress capture: connections accepted on this port are recorded, unless user space excluded it first (value 0).
    bpf_map_update_elem(&ingress_ports, &orig_port, &recorded, BPF_NOEXIST);
    struct keploy_bind_event *ev = bpf_ringbuf_reserve(&bind_events, sizeof(*ev), 0);
    if (!ev) {
        return 1;
    }
    ev->pid = bpf_get_current_pid_tgid() >> 32;
    ev->family = family;
    ev->orig_port = orig_port;
    ev->new_port = sk->src_port;
    if (family == KEPLOY_AF_INET) {
        ev->ip4 = sk->src_ip4;
        ev->ip6[0] = ev->ip6[1] = ev->ip6[2] = ev->ip6[3] = 0;
    } else {
        ev->ip4 = 0;
        ev->ip6[0] = sk->src_ip6[0];
        ev->ip6[1] = sk->src_ip6[1];
        ev->ip6[2] = sk->src_ip6[2];
        ev->ip6[3] = sk->src_ip6[3];
    }
    bpf_ringbuf_submit(ev, 0);
    return 1;
}

SEC("cgroup/post_bind4")
int keploy_post_bind4(struct bpf_sock *sk)
{
    return report_bind(sk, KEPLOY_AF_INET);
}

SEC("cgroup/post_bind6")
int keploy_post_bind6(struct bpf_sock *sk)
{
    return report_bind(sk, KEPLOY_AF_INET6);
}

static __always_inline void count(__u32 which, __u64 n)
{
    __u64 *v = bpf_map_lookup_elem(&ingress_counters, &which);
    if (v) {
        __sync_fetch_and_add(v, n);
    }
}

static __always_inline int in_app(void)
{
    struct keploy_config *cfg = get_config();
    return cfg && cfg->ingress_capture && cfg->app_cgroup_id != 0 && bpf_get_current_cgroup_id() == cfg->app_cgroup_id;
}

static __always_inline struct keploy_conn *find_conn(__u64 fd)
{
    __u64 key = (bpf_get_current_pid_tgid() & 0xffffffff00000000ULL) | (fd & 0xffffffffULL);
    return bpf_map_lookup_elem(&ingress_conns, &key);
}

// Where one record goes: connection, kind, fd, time and the stream offset of its first byte.
struct keploy_emit {
    __u64 id;
    __u64 ts;
    __u64 offset;
    __u32 kind;
    __u32 fd;
};

// One record of up to 16 KiB of data. The reserved size is one of seven constants (the verifier needs a constant), the
// smallest that holds the data (header + data of 256, 512 and 1024 bytes for the small ones); len says how much is data.
#define KEPLOY_EMIT_CLASS(SIZE)                                                                                               \
    {                                                                                                                       \
        struct { struct keploy_data_header h; __u8 data[SIZE]; } *ev = bpf_ringbuf_reserve(&data_events, sizeof(*ev), 0); \
        if (!ev) {                                                                                                          \
            count(1, 1);                                                                                                    \
            return 0;                                                                                                       \
        }                                                                                                                   \
        __builtin_memset(&ev->h, 0, sizeof(ev->h));                                                                         \
        ev->h.conn_id = e->id;                                                                                              \
        ev->h.ts_ns = e->ts;                                                                                                \
        ev->h.offset = e->offset;                                                                                           \
        ev->h.kind = e->kind;                                                                                               \
        ev->h.pid = bpf_get_current_pid_tgid() >> 32;                                                                       \
        ev->h.fd = e->fd;                                                                                                   \
        __u64 n = size;                                                                                                     \
        barrier_var(n);                                                                                                     \
        if (n > SIZE) {                                                                                                     \
            n = SIZE;                                                                                                       \
        }                                                                                                                   \
        barrier_var(n);                                                                                                     \
        if (bpf_probe_read_user(ev->data, n, (const void *)src) != 0) {                                                     \
            n = 0;                                                                                                          \
        }                                                                                                                   \
        ev->h.len = n;                                                                                                      \
        bpf_ringbuf_submit(ev, 0);                                                                                          \
        return n;                                                                                                           \
    }

// A global (separately verified) function: the loops below call it rather than inline four reserve paths each time.
__noinline int keploy_emit_chunk(struct keploy_emit *e, __u64 src, __u64 size)
{
    if (!e) {
        return 0;
    }
    if (size <= 176) KEPLOY_EMIT_CLASS(176)
    if (size <= 432) KEPLOY_EMIT_CLASS(432)
    if (size <= 944) KEPLOY_EMIT_CLASS(944)
    if (size <= 2048) KEPLOY_EMIT_CLASS(2048)
    if (size <= 4096) KEPLOY_EMIT_CLASS(4096)
    if (size <= 8192) KEPLOY_EMIT_CLASS(8192)
    KEPLOY_EMIT_CLASS(16384)
}

// Copies size bytes at src (user memory) as records of at most 16 KiB, the first at stream offset e->offset (global:
// verified once, not once per caller).
__noinline int keploy_emit_data(struct keploy_emit *e, __u64 src, __u64 size)
{
    if (!e) {
        return 0;
    }
    __u64 offset = e->offset;
    __u64 done = 0;
    for (int i = 0; i < KEPLOY_MAX_CHUNKS; i++) {
        if (done >= size) {
            return 0;
        }
        __u64 n = size - done;
        if (n > 16384) {
            n = 16384;
        }
        e->offset = offset + done;
        keploy_emit_chunk(e, src + done, n);
        done += n;
    }
    if (done < size) {
        count(2, size - done);
    }
    return 0;
}

static __always_inline void emit_data(__u64 id, __u32 kind, __u32 fd, __u64 ts, __u64 offset, const char *src, __u64 size)
{
    struct keploy_emit e = {.id = id, .ts = ts, .offset = offset, .kind = kind, .fd = fd};
    keploy_emit_data(&e, (__u64)src, size);
}

// A read or write of ret bytes from one buffer on fd.
static __always_inline void on_data(__u64 fd, const char *buf, long ret, __u32 kind)
{
    if (ret <= 0) {
        return;
    }
    struct keploy_conn *c = find_conn(fd);
    if (!c) {
        return;
    }
    __u64 offset = __sync_fetch_and_add(kind == KEPLOY_EV_READ ? &c->read_offset : &c->write_offset, (__u64)ret);
    emit_data(c->id, kind, (__u32)fd, bpf_ktime_get_ns(), offset, buf, (__u64)ret);
}

// A readv/writev/recvmsg/sendmsg of ret bytes spread over iovcnt iovecs at iov (user memory). Global: verified once.
__noinline int keploy_on_iov(__u64 fd, __u64 iov_address, __u64 iovcnt, long ret, __u32 kind)
{
    if (ret <= 0) {
        return 0;
    }
    struct keploy_conn *c = find_conn(fd);
    if (!c) {
        return 0;
    }
    const struct iovec *iov = (const struct iovec *)iov_address;
    __u64 offset = __sync_fetch_and_add(kind == KEPLOY_EV_READ ? &c->read_offset : &c->write_offset, (__u64)ret);
    struct keploy_emit e = {.id = c->id, .ts = bpf_ktime_get_ns(), .kind = kind, .fd = (__u32)fd};
    __u64 left = (__u64)ret;
    for (int i = 0; i < KEPLOY_MAX_IOV; i++) {
        if (i >= iovcnt || left == 0) {
            break;
        }
        struct iovec v = {};
        if (bpf_probe_read_user(&v, sizeof(v), &iov[i]) != 0) {
            break;
        }
        __u64 n = v.iov_len < left ? v.iov_len : left;
        e.offset = offset;
        keploy_emit_data(&e, (__u64)v.iov_base, n);
        offset += n;
        left -= n;
    }
    if (left > 0) {
        count(2, left);
    }
    return 0;
}

static __always_inline void on_iov(__u64 fd, const struct iovec *iov, __u64 iovcnt, long ret, __u32 kind)
{
    keploy_on_iov(fd, (__u64)iov, iovcnt, ret, kind);
}

// x86-64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl).
#define KEPLOY_NR_READ 0
#define KEPLOY_NR_WRITE 1
#define KEPLOY_NR_CLOSE 3
#define KEPLOY_NR_READV 19
#define KEPLOY_NR_WRITEV 20
#define KEPLOY_NR_SENDFILE 40
#define KEPLOY_NR_ACCEPT 43
#define KEPLOY_NR_SENDTO 44
#define KEPLOY_NR_RECVFROM 45
#define KEPLOY_NR_SENDMSG 46
#define KEPLOY_NR_RECVMSG 47
#define KEPLOY_NR_ACCEPT4 288

static __always_inline void on_msg(const struct pt_regs *regs, long ret, __u32 kind)
{
    if (kind == KEPLOY_EV_READ && (BPF_CORE_READ(regs, dx) & KEPLOY_MSG_PEEK)) {
        return;
    }
    struct user_msghdr msg = {};
    if (bpf_probe_read_user(&msg, sizeof(msg), (const void *)BPF_CORE_READ(regs, si)) != 0) {
        return;
    }
    on_iov(BPF_CORE_READ(regs, di), msg.msg_iov, msg.msg_iovlen, ret, kind);
}

// sendfile from a file to a recorded connection: the bytes never pass through user memory; counted as skipped so user space
// sees the gap in the stream offsets (the connection's exchanges from there on are not recorded, and say so).
static __always_inline void on_sendfile(const struct pt_regs *regs, long ret)
{
    struct keploy_conn *c = find_conn(BPF_CORE_READ(regs, di));
    if (c) {
        __sync_fetch_and_add(&c->write_offset, (__u64)ret);
        count(2, (__u64)ret);
    }
}

static __always_inline void on_accept(long fd)
{
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
    struct file *file = NULL;
    if (!fds || bpf_probe_read_kernel(&file, sizeof(file), &fds[fd & 0xfffff]) != 0 || !file) {
        return;
    }
    struct socket *sock = BPF_CORE_READ(file, private_data);
    if (!sock) {
        return;
    }
    struct sock *sk = BPF_CORE_READ(sock, sk);
    if (!sk) {
        return;
    }
    __u32 local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
    __u32 *recorded = bpf_map_lookup_elem(&ingress_ports, &local_port);
    if (!recorded || *recorded == 0) {
        return;
    }
    __u32 zero = 0;
    __u64 *next = bpf_map_lookup_elem(&ingress_counters, &zero);
    if (!next) {
        return;
    }
    struct keploy_conn conn = {};
    conn.id = __sync_fetch_and_add(next, 1) + 1;
    __u64 key = (bpf_get_current_pid_tgid() & 0xffffffff00000000ULL) | ((__u64)fd & 0xffffffffULL);
    bpf_map_update_elem(&ingress_conns, &key, &conn, BPF_ANY);

    struct keploy_data_header *ev = bpf_ringbuf_reserve(&data_events, sizeof(*ev), 0);
    if (!ev) {
        count(1, 1);
        return;
    }
    __builtin_memset(ev, 0, sizeof(*ev));
    ev->conn_id = conn.id;
    ev->ts_ns = bpf_ktime_get_ns();
    ev->kind = KEPLOY_EV_OPEN;
    ev->pid = bpf_get_current_pid_tgid() >> 32;
    ev->fd = (__u32)fd;
    ev->family = BPF_CORE_READ(sk, __sk_common.skc_family);
    ev->local_port = (__u16)local_port;
    ev->remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
    ev->remote_ip4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
    BPF_CORE_READ_INTO(&ev->remote_ip6, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr32);
    bpf_ringbuf_submit(ev, 0);
}

// close: the connection ends; its final offsets tell user space whether it has seen every byte.
static __always_inline void on_close(__u64 fd)
{
    __u64 key = (bpf_get_current_pid_tgid() & 0xffffffff00000000ULL) | (fd & 0xffffffffULL);
    struct keploy_conn *c = bpf_map_lookup_elem(&ingress_conns, &key);
    if (!c) {
        return;
    }
    struct keploy_conn copy = *c;
    bpf_map_delete_elem(&ingress_conns, &key);
    struct keploy_data_header *ev = bpf_ringbuf_reserve(&data_events, sizeof(*ev), 0);
    if (!ev) {
        count(1, 1);
        return;
    }
    __builtin_memset(ev, 0, sizeof(*ev));
    ev->conn_id = copy.id;
    ev->ts_ns = bpf_ktime_get_ns();
    ev->kind = KEPLOY_EV_CLOSE;
    ev->pid = bpf_get_current_pid_tgid() >> 32;
    ev->fd = (__u32)fd;
    ev->offset = copy.read_offset;
    ev->end_offset = copy.write_offset;
    bpf_ringbuf_submit(ev, 0);
}

// Every syscall's return (raw tracepoint sys_exit: args[0] the task's saved registers, args[1] the return value). The
// saved argument registers (di, si, dx, r10) still hold the call's arguments; orig_ax its number. Tasks outside the run's
// cgroup cost one number test and one cgroup id compare.
SEC("raw_tracepoint/sys_exit")
int keploy_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
    struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
    long ret = (long)ctx->args[1];
    long nr = BPF_CORE_READ(regs, orig_ax);
    switch (nr) {
    case KEPLOY_NR_READ:
    case KEPLOY_NR_WRITE:
    case KEPLOY_NR_CLOSE:
    case KEPLOY_NR_READV:
    case KEPLOY_NR_WRITEV:
    case KEPLOY_NR_SENDFILE:
    case KEPLOY_NR_ACCEPT:
    case KEPLOY_NR_SENDTO:
    case KEPLOY_NR_RECVFROM:
    case KEPLOY_NR_SENDMSG:
    case KEPLOY_NR_RECVMSG:
    case KEPLOY_NR_ACCEPT4:
        break;
    default:
        return 0;
    }
    if (!in_app()) {
        return 0;
    }
    if (nr == KEPLOY_NR_CLOSE) {
        on_close(BPF_CORE_READ(regs, di));
        return 0;
    }
    if (ret < 0) {
        return 0;
    }
    switch (nr) {
    case KEPLOY_NR_ACCEPT:
    case KEPLOY_NR_ACCEPT4:
        on_accept(ret);
        break;
    case KEPLOY_NR_RECVFROM:
        if (!(BPF_CORE_READ(regs, r10) & KEPLOY_MSG_PEEK)) {
            on_data(BPF_CORE_READ(regs, di), (const char *)BPF_CORE_READ(regs, si), ret, KEPLOY_EV_READ);
        }
        break;
    case KEPLOY_NR_READ:
        on_data(BPF_CORE_READ(regs, di), (const char *)BPF_CORE_READ(regs, si), ret, KEPLOY_EV_READ);
        break;
    case KEPLOY_NR_SENDTO:
    case KEPLOY_NR_WRITE:
        on_data(BPF_CORE_READ(regs, di), (const char *)BPF_CORE_READ(regs, si), ret, KEPLOY_EV_WRITE);
        break;
    case KEPLOY_NR_READV:
        on_iov(BPF_CORE_READ(regs, di), (const struct iovec *)BPF_CORE_READ(regs, si), BPF_CORE_READ(regs, dx), ret, KEPLOY_EV_READ);
        break;
    case KEPLOY_NR_WRITEV:
        on_iov(BPF_CORE_READ(regs, di), (const struct iovec *)BPF_CORE_READ(regs, si), BPF_CORE_READ(regs, dx), ret, KEPLOY_EV_WRITE);
        break;
    case KEPLOY_NR_RECVMSG:
        on_msg(regs, ret, KEPLOY_EV_READ);
        break;
    case KEPLOY_NR_SENDMSG:
        on_msg(regs, ret, KEPLOY_EV_WRITE);
        break;
    case KEPLOY_NR_SENDFILE:
        on_sendfile(regs, ret);
        break;
    }
    return 0;
}
