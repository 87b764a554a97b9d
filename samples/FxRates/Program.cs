// FxRates: the HTTPS dependency of the Payments sample. Euro exchange rates from a fixed table, served by Kestrel over TLS only,
// with a certificate from a private CA (scripts/demo.sh makes both with openssl). Start:
//   dotnet FxRates.dll --urls https://127.0.0.1:PORT \
//     --Kestrel:Certificates:Default:Path=fx.crt --Kestrel:Certificates:Default:KeyPath=fx.key
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "https://127.0.0.1:5443");
var app = builder.Build();

// Units of the currency per euro (a fixed table: the same request always gets the same answer).
var rates = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase)
{
    ["EUR"] = 1.0m,
    ["USD"] = 1.0842m,
    ["GBP"] = 0.8571m,
    ["JPY"] = 162.35m,
    ["CHF"] = 0.9468m,
};

app.MapGet("/health", () => Results.Ok(new { status = "ok" }));

app.MapGet("/rates/{currency}", (string currency) =>
    rates.TryGetValue(currency, out decimal rate)
        ? Results.Ok(new { @base = "EUR", currency = currency.ToUpperInvariant(), rate })
        : Results.Problem(statusCode: 404, title: "Unknown currency", detail: $"No rate for '{currency}'."));

app.Run();
