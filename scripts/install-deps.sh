#!/usr/bin/env bash
# Installs what building and running keploy for .NET needs on Debian 12 / Ubuntu (root):
#   clang, llvm, libbpf-dev, bpftool  - compile the eBPF programs (CO-RE, vmlinux.h from the kernel's BTF)
#   libbpf1                           - loaded at run time through P/Invoke
#   wrk                               - HTTP benchmark (bench/)
#   postgresql, postgresql-contrib    - the PostgreSQL sample, tests and pgbench
#   curl                              - the sample's traffic scripts
#   python3, util-linux (setsid)      - tiny test apps in the eBPF and adapter tests; the capture watchdog
#   openssl, ca-certificates          - the test PostgreSQL's TLS certificate; the system CA bundle TLS interception extends;
#                                       the Payments sample's private CA and certificates (scripts/demo.sh)
#   libfaketime                       - `test --freeze-time` (LD_PRELOAD into the app)
#   chromium                          - headless browser of the HTML report test (driven by Microsoft.Playwright, no download)
#   sysbench                          - OLTP load through the recorder (MySQL)
#   mariadb-server, mariadb-client    - the MySQL protocol tests and the e-commerce sample's databases; sysbench drives them
#   redis-server, redis-tools         - the Redis protocol tests, the product cache of the e-commerce sample, redis-benchmark
#   nghttp2-client                    - h2load, HTTP/2 load through the recorder
#   dnsmasq                           - a real DNS resolver on loopback for the DNS capture tests
#   haproxy, nginx-light, mitmproxy, pgbouncer - the anchors of bench/ (relays and recorders measured beside ours)
# Idempotent: packages already present are not fetched again.
set -euo pipefail
pkgs=(clang llvm libbpf-dev libbpf1 bpftool wrk postgresql postgresql-contrib curl python3 util-linux openssl ca-certificates libfaketime chromium
  mariadb-server mariadb-client redis-server redis-tools sysbench nghttp2-client dnsmasq haproxy nginx-light mitmproxy pgbouncer)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  # The servers among them (MariaDB, Redis, dnsmasq, nginx, haproxy, pgbouncer) must not start as system services on their
  # default ports: every test and script starts its own instance on a free loopback port. policy-rc.d 101 = "do not start".
  policy=/usr/sbin/policy-rc.d; made_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null; $SUDO chmod 755 "$policy"; made_policy=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null || { [ $made_policy = 1 ] && $SUDO rm -f "$policy"; exit 1; }
  if [ $made_policy = 1 ]; then $SUDO rm -f "$policy"; fi
fi
command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK is needed (dotnet not on PATH)" >&2; exit 1; }
