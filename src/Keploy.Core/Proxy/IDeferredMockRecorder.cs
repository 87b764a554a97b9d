using Keploy.Core.Models;

namespace Keploy.Core.Proxy;

/// <summary>
/// An <see cref="IMockRecorder"/> that can also take a mock still to be built: the recorder names it now (so names follow the
/// order exchanges completed) and runs <c>build</c> later on its writer, off the relaying task. Record mode's hot path uses this to
/// keep mock building (YAML nodes) off the connection.
/// </summary>
internal interface IDeferredMockRecorder : IMockRecorder
{
    /// <summary>
    /// Queues a mock to be built by <paramref name="build"/> on the recorder's writer. <paramref name="build"/> must only read data
    /// that no longer changes (a finished exchange); an exception from it is logged by the recorder and the mock is skipped.
    /// </summary>
    void Record(Func<Mock> build);

    /// <summary>
    /// As <see cref="Record(Func{Mock})"/>, with the size of the recorded traffic the mock holds (bytes; the recorder's queue is
    /// bounded by it). The default ignores the size.
    /// </summary>
    void Record(Func<Mock> build, long bytes) => Record(build);
}
