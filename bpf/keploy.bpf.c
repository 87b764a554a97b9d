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
//                                      report {family, original port, new port, bound address} on a ring buffer.
//
// Byte orders (include/uapi/linux/bpf.h): bpf_sock_addr.user_port and user_ip4/user_ip6 are network order;
// bpf_sock_ops.local_port is host order, remote_port network order; bpf_sock.src_port is host order, src_ip4/src_ip6 network order.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

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
    ctx->user_port = 0; // let the kernel choose an ephemeral port; post_bind learns it
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
