using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Shop.Orders;

/// <summary>
/// The user service over HTTP (<c>USERS_URL</c>): users and their addresses, read with the caller's bearer token. Its JSON is
/// snake_case. Throws <see cref="HttpRequestException"/> on any answer other than 200 or 404.
/// </summary>
public sealed class UsersClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>GET /api/v1/users/{id}; null when the user service answers 404.</summary>
    public Task<UserInfo?> GetUserAsync(string id, string token, CancellationToken ct) =>
        GetAsync<UserInfo>($"/api/v1/users/{Uri.EscapeDataString(id)}", token, ct);

    /// <summary>GET /api/v1/users/{id}/addresses (default address first); null when the user service answers 404.</summary>
    public Task<List<AddressInfo>?> GetAddressesAsync(string id, string token, CancellationToken ct) =>
        GetAsync<List<AddressInfo>>($"/api/v1/users/{Uri.EscapeDataString(id)}/addresses", token, ct);

    private async Task<T?> GetAsync<T>(string path, string token, CancellationToken ct)
        where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(Json, ct);
    }
}

/// <summary>
/// The product service over HTTP (<c>PRODUCTS_URL</c>): product look-up and stock reservation. Throws
/// <see cref="HttpRequestException"/> on answers the methods do not describe.
/// </summary>
public sealed class ProductsClient(HttpClient http)
{
    /// <summary>GET /api/v1/products/{id}; null when the product service answers 404.</summary>
    public async Task<ProductInfo?> GetProductAsync(Guid id, CancellationToken ct)
    {
        using HttpResponseMessage response = await http.GetAsync($"/api/v1/products/{id}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ProductInfo>(ct);
    }

    /// <summary>POST /api/v1/products/{id}/reserve; false when the product service answers 409 (not enough stock).</summary>
    public async Task<bool> ReserveAsync(Guid id, int quantity, string token, CancellationToken ct)
    {
        using HttpResponseMessage response = await ChangeAsync(id, "reserve", quantity, token, ct);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }

    /// <summary>POST /api/v1/products/{id}/release: gives reserved stock back.</summary>
    public async Task ReleaseAsync(Guid id, int quantity, string token, CancellationToken ct)
    {
        using HttpResponseMessage response = await ChangeAsync(id, "release", quantity, token, ct);
        response.EnsureSuccessStatusCode();
    }

    private Task<HttpResponseMessage> ChangeAsync(Guid id, string action, int quantity, string token, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/products/{id}/{action}")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { quantity }), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request, ct);
    }
}

public sealed record UserInfo(Guid Id, string Username, string Email);

public sealed record AddressInfo(Guid Id, string Line1, string? Line2, string City, string State, string PostalCode, string Country,
    string? Phone, bool IsDefault);

public sealed record ProductInfo(Guid Id, string Name, decimal Price, int Stock);
