using System.Reflection;
using Microsoft.Testing.Extensions.VSTestBridge;
using Microsoft.Testing.Extensions.VSTestBridge.Requests;
using Microsoft.Testing.Platform.Capabilities.TestFramework;
using Microsoft.Testing.Platform.Messages;

namespace Keploy.TestAdapter.TestingPlatform;

/// <summary>
/// Runs <see cref="KeployTestAdapter"/> unchanged under Microsoft.Testing.Platform through the VSTest bridge (dotnet-test-integration.md §2;
/// model: nunit3-vs-adapter <c>NUnitBridgedTestFramework</c>). MTP's cancellation token is wired to <see cref="KeployTestAdapter.Cancel"/>.
/// </summary>
internal sealed class KeployBridgedTestFramework : SynchronizedSingleSessionVSTestBridgedTestFramework
{
    /// <summary>Creates the framework for the given test assemblies.</summary>
    public KeployBridgedTestFramework(KeployExtension extension, Func<IEnumerable<Assembly>> getTestAssemblies, IServiceProvider serviceProvider,
        ITestFrameworkCapabilities capabilities)
        : base(extension, getTestAssemblies, serviceProvider, capabilities)
    {
    }

    /// <inheritdoc />
    protected override Task SynchronizedDiscoverTestsAsync(VSTestDiscoverTestExecutionRequest request, IMessageBus messageBus,
        CancellationToken cancellationToken)
    {
        new KeployTestAdapter().DiscoverTests(request.AssemblyPaths, request.DiscoveryContext, request.MessageLogger, request.DiscoverySink);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task SynchronizedRunTestsAsync(VSTestRunTestExecutionRequest request, IMessageBus messageBus,
        CancellationToken cancellationToken)
    {
        KeployTestAdapter adapter = new();
        using CancellationTokenRegistration registration = cancellationToken.Register(adapter.Cancel);
        adapter.RunTests(request.AssemblyPaths, request.RunContext, request.FrameworkHandle);
        return Task.CompletedTask;
    }
}
