using System.Reflection;
using Microsoft.Testing.Extensions.VSTestBridge.Capabilities;
using Microsoft.Testing.Extensions.VSTestBridge.Helpers;
using Microsoft.Testing.Platform.Builder;
using Microsoft.Testing.Platform.Capabilities.TestFramework;

namespace Keploy.TestAdapter;

/// <summary>
/// Entry point for Microsoft.Testing.Platform: the generated Program calls <see cref="AddExtensions"/> for every
/// <c>TestingPlatformBuilderHook</c> item (the package props declare one with TypeFullName <c>Keploy.TestAdapter.TestingPlatformBuilderHook</c>).
/// </summary>
public static class TestingPlatformBuilderHook
{
    /// <summary>Registers the Keploy framework (bridged VSTest adapter) and the VSTest services it uses (RunSettings, --filter).</summary>
    /// <param name="testApplicationBuilder">The MTP builder.</param>
    /// <param name="arguments">Command-line arguments (unused).</param>
    public static void AddExtensions(ITestApplicationBuilder testApplicationBuilder, string[] arguments)
    {
        TestingPlatform.KeployExtension extension = new();
        testApplicationBuilder.AddRunSettingsService(extension);
        testApplicationBuilder.AddTestCaseFilterService(extension);
        testApplicationBuilder.AddTestRunParametersService(extension);
        testApplicationBuilder.RegisterTestFramework(
            _ => new TestFrameworkCapabilities(new VSTestBridgeExtensionBaseCapabilities()),
            (capabilities, serviceProvider) => new TestingPlatform.KeployBridgedTestFramework(
                extension, () => new[] { Assembly.GetEntryAssembly()! }, serviceProvider, capabilities));
    }
}
