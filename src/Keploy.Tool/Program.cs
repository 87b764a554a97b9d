namespace Keploy.Tool;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("dotnet keploy: not yet implemented");
        return 1;
    }
}
