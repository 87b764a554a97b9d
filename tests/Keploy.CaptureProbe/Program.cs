// Test helper for the eBPF capture (tests/Keploy.Core.Tests/Capture): starts a capture run with an app, prints its facts, then waits to be
// killed. Usage: Keploy.CaptureProbe <record|test> <proxyPort> <app command>
// Prints "cgroup=<path>", "app=<pid>", then "ready" on stdout.
using Keploy.Core.Capture;

var mode = args.Length > 0 && args[0] == "record" ? CaptureMode.Record : CaptureMode.Test;
int proxyPort = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 16789;
string command = args.Length > 2 ? args[2] : "sleep 60";
try
{
    var capture = EbpfCapture.Start(new CaptureOptions { Mode = mode, ProxyPort = proxyPort });
    var app = capture.StartApp(command, Environment.CurrentDirectory, null, line => Console.WriteLine("app: " + line));
    Console.WriteLine($"cgroup={capture.CgroupPath}");
    Console.WriteLine($"app={app.Pid}");
    Console.WriteLine("ready");
    Console.Out.Flush();
    int exit = await app.Exited;
    capture.Dispose();
    return exit;
}
catch (CaptureException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
