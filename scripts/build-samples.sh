#!/usr/bin/env bash
# Builds the sample services (samples/Catalog, samples/Orders, samples/Inventory) in Release and prints how to start them.
# Start them with `dotnet <dll>` rather than `dotnet run` (no MSBuild at start-up, so the app starts fast).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for app in Catalog Orders Inventory; do
  if ! log="$(dotnet build "$root/samples/$app/$app.csproj" -c Release -nologo -v quiet 2>&1)"; then
    echo "$log" >&2
    echo "build-samples.sh: building samples/$app failed" >&2
    exit 1
  fi
done

echo "Built:"
for app in Catalog Orders Inventory; do
  echo "  $root/samples/$app/bin/Release/net10.0/$app.dll"
done
echo "Start (each in its own shell, or with & ):"
echo "  dotnet $root/samples/Catalog/bin/Release/net10.0/Catalog.dll   # http://127.0.0.1:5200"
echo "  dotnet $root/samples/Orders/bin/Release/net10.0/Orders.dll     # http://127.0.0.1:5100, calls CATALOG_URL"
echo "  $root/samples/traffic.sh"
echo "  dotnet $root/samples/Inventory/bin/Release/net10.0/Inventory.dll # http://127.0.0.1:5300, PostgreSQL at INVENTORY_DB"
echo "                                                                   # (default: scripts/postgres.sh start's server)"
echo "  $root/samples/inventory-traffic.sh"
