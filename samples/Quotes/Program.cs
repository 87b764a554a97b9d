// Quotes: a gRPC service (HTTP/2 without TLS, h2c) with a unary and a server-streaming call. Prices are a pure function of the
// symbol and the tick, so the same calls always get the same answers (recorded test cases replay without noise).
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Quotes;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Listen on 127.0.0.1:5500 unless --urls or ASPNETCORE_URLS says otherwise; HTTP/2 only (gRPC with prior knowledge, no TLS).
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5500");
builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddGrpc();

var app = builder.Build();
app.MapGrpcService<QuoteService>();
app.Run();

namespace Quotes
{
    /// <summary>The Quotes service: a fixed list of symbols, prices moving by a fixed step per tick.</summary>
    public sealed class QuoteService : Quotes.QuotesBase
    {
        private static readonly Dictionary<string, (string Name, long Cents)> Listed = new(StringComparer.OrdinalIgnoreCase)
        {
            ["ACME"] = ("Acme Corporation", 12_345),
            ["GLOBX"] = ("Globex", 9_870),
            ["INITC"] = ("Initech", 4_210),
        };

        public override Task<Quote> GetQuote(QuoteRequest request, ServerCallContext context) =>
            Task.FromResult(QuoteAt(request.Symbol, 0));

        public override async Task StreamQuotes(StreamRequest request, IServerStreamWriter<Quote> responseStream, ServerCallContext context)
        {
            if (request.Count is < 1 or > 100)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "count must be 1..100"));
            }

            for (int tick = 0; tick < request.Count; tick++)
            {
                foreach (string symbol in request.Symbols)
                {
                    await responseStream.WriteAsync(QuoteAt(symbol, tick), context.CancellationToken);
                }
            }
        }

        private static Quote QuoteAt(string symbol, int tick)
        {
            if (!Listed.TryGetValue(symbol, out var listed))
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"unknown symbol '{symbol}'"));
            }

            long cents = listed.Cents + (tick * 25) - ((tick % 3) * 40);
            return new Quote
            {
                Symbol = symbol.ToUpperInvariant(),
                Name = listed.Name,
                PriceCents = cents,
                Tick = tick,
                ChangePercent = Math.Round((cents - listed.Cents) * 100.0 / listed.Cents, 4),
            };
        }
    }
}
