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
# Idempotent: packages already present are not fetched again.
set -euo pipefail
pkgs=(clang llvm libbpf-dev libbpf1 bpftool wrk postgresql postgresql-contrib curl python3 util-linux openssl ca-certificates libfaketime chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK is needed (dotnet not on PATH)" >&2; exit 1; }
