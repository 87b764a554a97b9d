using Microsoft.VisualStudio.TestPlatform.ObjectModel;

namespace Keploy.TestAdapter;

/// <summary>Properties <c>dotnet test --filter</c> can name for Keploy tests.</summary>
internal static class KeployTestFilter
{
    /// <summary><c>FullyQualifiedName</c>, <c>Name</c>/<c>DisplayName</c> (the YAML <c>name</c>), <c>TestSet</c>.</summary>
    public static readonly string[] SupportedProperties = { "FullyQualifiedName", "Name", "DisplayName", "TestSet" };

    /// <summary>Maps a filter property name to the TestProperty (for the filter's type checks).</summary>
    public static TestProperty? GetProperty(string name) => name switch
    {
        "FullyQualifiedName" => TestCaseProperties.FullyQualifiedName,
        "Name" or "DisplayName" => TestCaseProperties.DisplayName,
        "TestSet" => KeployTestProperties.TestSet,
        _ => null,
    };

    /// <summary>The value of a filter property on a test case.</summary>
    public static object? GetValue(TestCase testCase, string name) => name switch
    {
        "FullyQualifiedName" => testCase.FullyQualifiedName,
        "Name" or "DisplayName" => testCase.DisplayName,
        "TestSet" => testCase.GetPropertyValue<string?>(KeployTestProperties.TestSet, null),
        _ => null,
    };
}
