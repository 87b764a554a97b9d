// Shop API gateway (the seed's apigateway): routes /api/v1/... to the service that owns it, paths unchanged, with YARP:
//   /api/v1/login, /api/v1/users/**  -> USERS_URL      /api/v1/products/** -> PRODUCTS_URL      /api/v1/orders/** -> ORDERS_URL
// Anything else is 404. Configuration (environment or --key=value): USERS_URL, PRODUCTS_URL, ORDERS_URL, urls (default
// http://127.0.0.1:8083).
using Yarp.ReverseProxy.Configuration;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:8083");

string Url(string key) => builder.Configuration[key] ?? throw new InvalidOperationException($"{key} is not set.");
RouteConfig Route(string cluster, string path) => new() { RouteId = $"{cluster}:{path}", ClusterId = cluster, Match = new RouteMatch { Path = path } };
ClusterConfig Cluster(string id, string url) => new()
{
    ClusterId = id,
    Destinations = new Dictionary<string, DestinationConfig> { [id] = new() { Address = url } },
};

builder.Services.AddReverseProxy().LoadFromMemory(
    [
        Route("users", "/api/v1/login"),
        Route("users", "/api/v1/users/{**rest}"),
        Route("products", "/api/v1/products/{**rest}"),
        Route("orders", "/api/v1/orders/{**rest}"),
    ],
    [Cluster("users", Url("USERS_URL")), Cluster("products", Url("PRODUCTS_URL")), Cluster("orders", Url("ORDERS_URL"))]);
var app = builder.Build();

app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
app.MapReverseProxy();
app.Run();
