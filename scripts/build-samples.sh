#!/usr/bin/env bash
# Builds the sample services (samples/Catalog, samples/Orders, samples/Inventory, samples/FxRates, samples/Payments, samples/Quotes
# and the Shop's samples/Shop/{Users,Products,Orders,Gateway}) in Release and prints how to start them.
# Start them with `dotnet <dll>` rather than `dotnet run` (no MSBuild at start-up, so the app starts fast).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
projects=(Catalog/Catalog Orders/Orders Inventory/Inventory FxRates/FxRates Payments/Payments Quotes/Quotes)
for service in Users Products Orders Gateway; do projects+=("Shop/$service/Shop.$service"); done
for project in "${projects[@]}"; do
  if ! log="$(dotnet build "$root/samples/$project.csproj" -c Release -nologo -v quiet 2>&1)"; then
    echo "$log" >&2
    echo "build-samples.sh: building samples/$project.csproj failed" >&2
    exit 1
  fi
done

echo "Built:"
for project in "${projects[@]}"; do
  echo "  $root/samples/${project%/*}/bin/Release/net10.0/${project##*/}.dll"
done
echo "Start (each in its own shell, or with & ):"
echo "  dotnet $root/samples/Catalog/bin/Release/net10.0/Catalog.dll   # http://127.0.0.1:5200"
echo "  dotnet $root/samples/Orders/bin/Release/net10.0/Orders.dll     # http://127.0.0.1:5100, calls CATALOG_URL"
echo "  $root/samples/traffic.sh"
echo "  dotnet $root/samples/Inventory/bin/Release/net10.0/Inventory.dll # http://127.0.0.1:5300, PostgreSQL at INVENTORY_DB"
echo "                                                                   # (default: scripts/postgres.sh start's server)"
echo "  $root/samples/inventory-traffic.sh"
echo "  samples/Payments/make-certs.sh /tmp/payments-tls                     # private CA + FxRates' certificate (openssl)"
echo "  dotnet $root/samples/FxRates/bin/Release/net10.0/FxRates.dll --urls https://127.0.0.1:5443 \\"
echo "    --Kestrel:Certificates:Default:Path=/tmp/payments-tls/fxrates.crt --Kestrel:Certificates:Default:KeyPath=/tmp/payments-tls/fxrates.key"
echo "  SSL_CERT_FILE=/tmp/payments-tls/ca.crt dotnet $root/samples/Payments/bin/Release/net10.0/Payments.dll  # http://127.0.0.1:5400"
echo "  $root/samples/payments-traffic.sh"
echo "  dotnet $root/samples/Quotes/bin/Release/net10.0/Quotes.dll      # gRPC over h2c on http://127.0.0.1:5500"
echo "  $root/samples/quotes-traffic.sh"
echo "  bash $root/samples/Shop/check.sh    # the Shop: MariaDB, Redis, its four services and samples/shop-traffic.sh, no keploy"
