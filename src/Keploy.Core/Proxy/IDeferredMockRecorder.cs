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

    /// <summary>
    /// As <see cref="Record(Func{Mock}, long)"/>, with a writer of the mock's document text: <paramref name="text"/>(output, name)
    /// appends exactly what formatting <paramref name="build"/>'s mock, named name, would (no header line, no <c>---</c>), so a
    /// file writer with nothing to change in the mock writes that text and never builds the nodes. <paramref name="kind"/> is the
    /// mock's kind, for a wrapper that changes mocks of some kinds (it then passes only <paramref name="build"/> on). The default
    /// ignores the text. <paramref name="text"/> may throw what <paramref name="build"/> throws.
    /// </summary>
    void Record(Func<Mock> build, long bytes, string kind, Action<System.Text.StringBuilder, string> text) => Record(build, bytes);
}
