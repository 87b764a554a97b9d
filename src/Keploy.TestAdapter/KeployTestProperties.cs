using Microsoft.VisualStudio.TestPlatform.ObjectModel;

namespace Keploy.TestAdapter;

/// <summary>Serializable TestCase properties the adapter sets at discovery and reads at execution (they cross the process boundary).</summary>
internal static class KeployTestProperties
{
    /// <summary>Relative path of the YAML: <c>keploy/test-set-0/tests/test-1.yaml</c>.</summary>
    public static readonly TestProperty TestFile =
        TestProperty.Register("Keploy.TestFile", "Keploy test file", typeof(string), typeof(TestCase));

    /// <summary>The test-set id (<c>test-set-0</c>); filterable as <c>--filter TestSet=test-set-0</c>.</summary>
    public static readonly TestProperty TestSet =
        TestProperty.Register("Keploy.TestSet", "TestSet", typeof(string), typeof(TestCase));

    /// <summary>Set when the case cannot run (discovery error, malformed YAML); executing it fails with this message.</summary>
    public static readonly TestProperty Error =
        TestProperty.Register("Keploy.Error", "Keploy discovery error", typeof(string), typeof(TestCase));

    /// <summary>Test Explorer tree (microsoft/vstest-docs RFC 0033): Container, Namespace, Class, TestGroup.</summary>
    public static readonly TestProperty Hierarchy =
        TestProperty.Register("TestCase.Hierarchy", "Hierarchy", typeof(string[]), TestPropertyAttributes.Immutable, typeof(TestCase));
}
