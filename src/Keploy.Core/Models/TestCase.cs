namespace Keploy.Core.Models;

/// <summary>
/// A recorded test case: one file <c>keploy/test-set-N/tests/&lt;name&gt;.yaml</c> (Keploy <c>pkg/models/http.go</c>,
/// <c>grpc.go</c>). For <c>kind: Http</c> use <c>HttpSpec.FromTestCase</c> for the typed request/response view.
/// </summary>
public sealed class TestCase : KeployDocument
{
    /// <summary>The file the test case was read from (absolute), or where it will be written.</summary>
    public string? FilePath { get; set; }

    /// <summary>The <c>curl</c> command Keploy stores beside Http test cases (top-level key), or null.</summary>
    public string? Curl
    {
        get => (GetExtra("curl") as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value;
        set
        {
            if (value is not null)
            {
                SetExtra("curl", new YamlDotNet.RepresentationModel.YamlScalarNode(value));
            }
        }
    }
}
