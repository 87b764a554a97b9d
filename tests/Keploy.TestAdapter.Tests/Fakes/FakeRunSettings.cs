using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;

namespace Keploy.TestAdapter.Tests.Fakes;

internal sealed class FakeRunSettings(string? xml) : IRunSettings
{
    public string? SettingsXml { get; } = xml;

    public ISettingsProvider? GetSettings(string? settingsName) => null;
}
