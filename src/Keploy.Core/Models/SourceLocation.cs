namespace Keploy.Core.Models;

/// <summary>
/// A place in a source file, used in one-line error messages (<c>file:line:column</c>).
/// Line and column are 1-based, as YamlDotNet's <c>Mark</c> reports them.
/// </summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <summary>Formats as <c>file:line:column</c>.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
