// Test helper (tests/Keploy.Core.Tests/Tls): GETs the URL given as the only argument with a default HttpClient (default certificate
// validation, so only the process's trust store decides) and prints "OK <status> <body>" (exit 0) or "FAIL <exception>" (exit 1).
using System.Net.Http;

try
{
    using HttpClient client = new() { Timeout = TimeSpan.FromSeconds(30) };
    string body = await client.GetStringAsync(args[0]);
    Console.WriteLine($"OK 200 {body}");
    return 0;
}
catch (Exception ex)
{
    Exception inner = ex;
    while (inner.InnerException is not null)
    {
        inner = inner.InnerException;
    }

    Console.WriteLine($"FAIL {ex.GetType().Name}: {inner.Message}".ReplaceLineEndings(" "));
    return 1;
}
