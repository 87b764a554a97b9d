namespace Keploy.Core.Record;

/// <summary>Settings of one <c>record</c> run. Defaults are Keploy's (<c>config/default.go</c>).</summary>
public sealed class RecordOptions
{
    /// <summary>The folder that holds (or will hold) <c>keploy/</c> (<c>-p/--path</c>).</summary>
    public string Path { get; set; } = ".";

    /// <summary>The app command (<c>-c/--command</c>), run through <c>/bin/sh -c</c> inside the run's cgroup.</summary>
    public string AppCommand { get; set; } = "";

    /// <summary>Working directory of the app (default: current directory).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Extra environment for the app.</summary>
    public Dictionary<string, string> AppEnvironment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Outgoing proxy port (<c>--proxy-port</c>, 16789).</summary>
    public int ProxyPort { get; set; } = 16789;

    /// <summary>UDP port of the DNS server the app's DNS is redirected to (<c>--dns-port</c>, Keploy's 26789); a free port is used
    /// when it is taken; 0 = a free port.</summary>
    public int DnsPort { get; set; } = 26789;

    /// <summary>Ports never redirected (<c>--pass-through-ports</c>, at most 10).</summary>
    public List<int> PassThroughPorts { get; set; } = new();

    /// <summary>
    /// The app's listening ports whose incoming connections are relayed untouched and not recorded (keploy.yml
    /// <c>record.filters</c> rules with only a <c>port</c> and the <c>exclude</c> policy, Keploy <c>models.Filter</c>).
    /// </summary>
    public List<int> NotRecordedPorts { get; set; } = new();

    /// <summary>
    /// Record incoming calls by eBPF syscall capture of the app's own reads and writes (default true): nothing sits in front of the
    /// app, which keeps its port. False (<c>--ingress-proxy</c>), or when the kernel refuses the raw tracepoint: the app's listening
    /// port is moved and a forwarder on the original port relays and records (<see cref="IngressForwarder"/>).
    /// </summary>
    public bool IngressCapture { get; set; } = true;

    /// <summary>Stop recording after this long (<c>--record-timer</c>); null records until the app exits or Ctrl+C.</summary>
    public TimeSpan? RecordTimer { get; set; }

    /// <summary>
    /// Replace secrets (auth headers, cookies, API keys, tokens, passwords; see <see cref="Sanitize.SecretDetector"/>) in test cases and
    /// mocks by <c>{{string .secret.Key }}</c> placeholders, their values going to the test-set's <c>secret.yaml</c> (default true;
    /// <c>--no-sanitize</c> turns it off).
    /// </summary>
    public bool Sanitize { get; set; } = true;

    /// <summary>How long the app gets to exit after SIGTERM before its cgroup is killed.</summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Debug lines (<c>--debug</c>): protocol chosen per proxied connection. Null: none.</summary>
    public Action<string>? Debug { get; set; }
}
