using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace Keploy.TestAdapter.Tests.Fakes;

internal class FakeMessageLogger : IMessageLogger
{
    public List<(TestMessageLevel Level, string Message)> Messages { get; } = new();

    public void SendMessage(TestMessageLevel testMessageLevel, string message) => Messages.Add((testMessageLevel, message));
}
