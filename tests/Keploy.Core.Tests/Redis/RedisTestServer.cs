using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Keploy.Core.Tests.Redis;

/// <summary>
/// A private redis-server started by <c>scripts/redis.sh start</c> on a free loopback port with its own directory, once per test
/// process (<see cref="Shared"/>), or one per test that needs to stop it (<see cref="Start"/>; dispose stops it and checks the port closed).
/// </summary>
internal sealed class RedisTestServer : IDisposable
{
    private static readonly Lazy<RedisTestServer> SharedServer = new(() =>
    {
        RedisTestServer server = Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string? _password;
    private int _stopped;

    private RedisTestServer(int port, string dir, string? password)
    {
        Port = port;
        Directory = dir;
        _password = password;
    }

    /// <summary>The server shared by all tests of this process (never stopped by a test).</summary>
    public static RedisTestServer Shared => SharedServer.Value;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The server's private directory (config, pidfile, log).</summary>
    public string Directory { get; }

    /// <summary>The endpoint as StackExchange.Redis writes it.</summary>
    public string EndPoint => $"127.0.0.1:{Port}";

    /// <summary>Starts a new server on a free port; <paramref name="password"/> sets requirepass.</summary>
    public static RedisTestServer Start(string? password = null)
    {
        string dir = Path.Combine(Path.GetTempPath(), "keploy-redis-test-" + Guid.NewGuid().ToString("N")[..12]);
        for (int attempt = 0; ; attempt++)
        {
            int port = TestPorts.Free();
            (int code, string stdout, string stderr) = Run("start", port, dir, password);
            if (code == 0)
            {
                return new RedisTestServer(port, dir, password);
            }

            if (attempt >= 3)
            {
                throw new InvalidOperationException($"scripts/redis.sh start failed ({code}): {stderr} {stdout}");
            }
        }
    }

    /// <summary>Stops the server (SIGTERM, waits, checks the port closed) and removes its directory.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        (int code, _, string stderr) = Run("stop", Port, Directory, _password);
        for (int attempt = 0; attempt < 5 && System.IO.Directory.Exists(Directory); attempt++)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }

        if (code != 0)
        {
            throw new InvalidOperationException("scripts/redis.sh stop failed: " + stderr);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Stop();

    private static (int Code, string Stdout, string Stderr) Run(string verb, int port, string dir, string? password)
    {
        ProcessStartInfo psi = new("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(TestPaths.RepoRoot, "scripts", "redis.sh"));
        psi.ArgumentList.Add(verb);
        psi.Environment["REDIS_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["REDIS_DIR"] = dir;
        if (password is not null)
        {
            psi.Environment["REDIS_PASSWORD"] = password;
        }

        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, err.Result);
    }
}

/// <summary>An xUnit class fixture: one private server for a test class, stopped (port checked closed) when the class is done.</summary>
public sealed class RedisServerFixture : IDisposable
{
    private readonly RedisTestServer _server = RedisTestServer.Start();

    /// <summary>The running server.</summary>
    internal RedisTestServer Server => _server;

    /// <inheritdoc />
    public void Dispose() => _server.Dispose();
}
