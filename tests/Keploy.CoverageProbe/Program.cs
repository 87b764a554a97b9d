// Keploy.CoverageProbe N [wait]: sums the squares of 0..N-1 and prints the sum; with "wait", prints "ready" and blocks until
// SIGTERM, which it handles as the generic host (ASP.NET Core's ConsoleLifetime) does: Main returns, the runtime raises ProcessExit,
// where coverlet's instrumented code writes its hits.
using System.Runtime.InteropServices;
using Keploy.CoverageProbe;

int n = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
int total = 0;
for (int i = 0; i < n; i++)
{
    total += Probe.Square(i); // mark:loop
}

if (total > 1_000_000)
{
    Console.WriteLine("big"); // mark:never
}

Console.WriteLine(total); // mark:once
if (args.Length > 1 && args[1] == "wait")
{
    using ManualResetEventSlim stopped = new();
    using PosixSignalRegistration onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true; // no immediate exit: let Main return
        stopped.Set();
    });
    Console.WriteLine("ready"); // mark:wait
    Console.Out.Flush();
    stopped.Wait();
}

namespace Keploy.CoverageProbe
{
    internal static class Probe
    {
        public static int Square(int x)
        {
            return x * x; // mark:square
        }

        public static int Unused()
        {
            return 42; // mark:unused
        }
    }
}
