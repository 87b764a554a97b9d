using System.CommandLine;
using Keploy.Core.Tls;

namespace Keploy.Tool;

/// <summary>
/// <c>dotnet keploy cert [--path | --export FILE]</c>: the local CA that signs the certificates shown to the app when TLS is
/// intercepted (made on first use, reused afterwards). Prints its PEM to stdout; <c>--path</c> prints the certificate file's path;
/// <c>--export FILE</c> writes the PEM to FILE.
/// </summary>
internal static class CertCommand
{
    /// <summary><c>--path</c>.</summary>
    public static readonly Option<bool> PathOnly = new("--path") { Description = "Print where the CA certificate is stored instead of the PEM." };

    /// <summary><c>--export FILE</c>.</summary>
    public static readonly Option<string?> Export = new("--export") { Description = "Write the CA certificate (PEM) to this file." };

    /// <summary>Builds the <c>cert</c> command.</summary>
    public static Command Build()
    {
        Command cert = new("cert", "Print the local CA certificate (PEM) that TLS interception uses; trust it in apps that do not read SSL_CERT_FILE.");
        cert.Options.Add(PathOnly);
        cert.Options.Add(Export);
        cert.SetAction(parse => Run(parse));
        return cert;
    }

    private static int Run(ParseResult parse)
    {
        using CertificateAuthority ca = CertificateAuthority.LoadOrCreate();
        if (ca.Created)
        {
            Console.Error.WriteLine($"dotnet keploy: made the keploy CA in {ca.Directory}");
        }

        if (parse.GetValue(Export) is { Length: > 0 } file)
        {
            File.WriteAllText(file, ca.CertificatePem);
            Console.Error.WriteLine($"dotnet keploy: CA certificate written to {Path.GetFullPath(file)}");
        }
        else if (parse.GetValue(PathOnly))
        {
            Console.WriteLine(ca.CertificatePath);
        }
        else
        {
            Console.Write(ca.CertificatePem);
        }

        return (int)ExitCode.Success;
    }
}
