using System.Net;

namespace Orders;

public sealed record CatalogItem(string Sku, string Name, decimal Price, string Currency, int Stock);

public sealed record CatalogReservation(string ReservationId, string Sku, int Qty, DateTime ExpiresAt);

/// <summary>Typed HttpClient for the Catalog service (BaseAddress from CATALOG_URL).</summary>
public sealed class CatalogClient(HttpClient http)
{
    public async Task<IReadOnlyList<CatalogItem>> ListAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<List<CatalogItem>>("items", cancellationToken) ?? [];

    /// <summary>The item, or null when Catalog answers 404.</summary>
    public async Task<CatalogItem?> GetItemAsync(string sku, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"items/{Uri.EscapeDataString(sku)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<CatalogItem>(cancellationToken);
    }

    /// <summary>The reservation, or null when Catalog refuses it (409: not enough stock).</summary>
    public async Task<CatalogReservation?> ReserveAsync(string sku, int qty, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("reservations", new { sku, qty }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<CatalogReservation>(cancellationToken);
    }

    /// <summary>False when Catalog does not know the reservation.</summary>
    public async Task<bool> ReleaseAsync(string reservationId, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync($"reservations/{Uri.EscapeDataString(reservationId)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }
}
