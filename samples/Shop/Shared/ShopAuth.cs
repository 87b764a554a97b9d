// Shared by the Shop services (compiled into each, not a library): the JWT the user service issues at POST /api/v1/login and
// the endpoint filter the other services put in front of their authorised routes.
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Shop;

/// <summary>
/// HS256 JSON Web Tokens (RFC 7519) with the seed's claims: <c>sub</c> (the user id), <c>username</c>, <c>iat</c> and <c>exp</c>
/// (30 days after issue, as the seed's user service does). The key is the configuration value <c>SHOP_JWT_KEY</c> (at least 32
/// bytes of UTF-8); every service of the shop must be given the same one.
/// </summary>
public sealed class ShopAuth
{
    /// <summary>How long a token is valid after it is issued: 30 days, as in the seed.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    private const string DefaultKey = "shop-sample-signing-key-0123456789abcdef";
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey _key;
    private readonly TokenValidationParameters _validation;

    /// <summary>Reads <c>SHOP_JWT_KEY</c>; throws <see cref="InvalidOperationException"/> when it is shorter than 32 bytes.</summary>
    public ShopAuth(IConfiguration configuration)
    {
        byte[] key = Encoding.UTF8.GetBytes(configuration["SHOP_JWT_KEY"] ?? DefaultKey);
        if (key.Length < 32)
        {
            throw new InvalidOperationException("SHOP_JWT_KEY must be at least 32 bytes (HS256).");
        }

        _key = new SymmetricSecurityKey(key);
        _validation = new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            IssuerSigningKey = _key,
        };
    }

    /// <summary>A signed token for the user, valid for <see cref="Lifetime"/> from now.</summary>
    public string Issue(string userId, string username)
    {
        DateTime now = DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", userId), new Claim("username", username)]),
            IssuedAt = now,
            Expires = now + Lifetime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The user id (<c>sub</c>) of a request's valid <c>Authorization: Bearer</c> token, or null.</summary>
    public async Task<string?> UserOf(HttpRequest request)
    {
        string header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return null;
        }

        TokenValidationResult result = await _handler.ValidateTokenAsync(header["Bearer ".Length..].Trim(), _validation);
        return result.IsValid && result.Claims.TryGetValue("sub", out object? sub) ? sub as string : null;
    }

    /// <summary>
    /// Endpoint filter for authorised routes: a request without a valid bearer token gets 401 with a problem body and never
    /// reaches the handler.
    /// </summary>
    public static async ValueTask<object?> Require(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ShopAuth auth = context.HttpContext.RequestServices.GetRequiredService<ShopAuth>();
        return await auth.UserOf(context.HttpContext.Request) is null
            ? Results.Problem(statusCode: 401, title: "Unauthorized", detail: "Send Authorization: Bearer <token from POST /api/v1/login>.")
            : await next(context);
    }
}
