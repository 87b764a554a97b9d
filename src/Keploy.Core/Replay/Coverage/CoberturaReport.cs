using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Keploy.Core.Replay.Coverage;

/// <summary>One source file of a Cobertura report: its coverable lines with hit counts, branch outcomes and methods.</summary>
/// <param name="Path">Absolute path (the report's <c>&lt;source&gt;</c> joined with the class's <c>filename</c>).</param>
public sealed record CoverageFile(string Path)
{
    /// <summary>Line number (1-based) to hit count, every coverable line.</summary>
    public SortedDictionary<int, long> Lines { get; } = new();

    /// <summary>Line number to (covered, total) branch outcomes, for lines that branch.</summary>
    public SortedDictionary<int, (int Covered, int Total)> Branches { get; } = new();

    /// <summary>Methods as <c>Class.Method(signature)</c> to whether any of their lines was hit.</summary>
    public SortedDictionary<string, bool> Methods { get; } = new(StringComparer.Ordinal);

    /// <summary>Coverable lines.</summary>
    public int LinesValid => Lines.Count;

    /// <summary>Lines hit at least once.</summary>
    public int LinesCovered => Lines.Values.Count(h => h > 0);

    /// <summary>Line coverage in percent (100 when there is nothing to cover).</summary>
    public double LinePercent => CoberturaReport.Percent(LinesCovered, LinesValid);
}

/// <summary>
/// A Cobertura XML coverage report read back (the format coverlet writes: <c>coverage/sources/source</c>,
/// <c>packages/package/classes/class[@filename]/lines/line[@number,@hits,@condition-coverage]</c> and
/// <c>class/methods/method</c>; cobertura.sourceforge.net's <c>coverage-04.dtd</c>). Statement coverage is line coverage.
/// Throws <see cref="CoverageException"/> naming the file (and line:column for malformed XML).
/// </summary>
public sealed class CoberturaReport
{
    private static readonly Regex s_condition = new(@"\((\d+)/(\d+)\)", RegexOptions.CultureInvariant);

    /// <summary>Files by absolute path, sorted.</summary>
    public SortedDictionary<string, CoverageFile> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Covered coverable lines over all files.</summary>
    public int LinesCovered => Files.Values.Sum(f => f.LinesCovered);

    /// <summary>Coverable lines over all files.</summary>
    public int LinesValid => Files.Values.Sum(f => f.LinesValid);

    /// <summary>
    /// Covered branch outcomes: the root's <c>branches-covered</c> when written (coverlet counts there every branch point, also those
    /// of compiler-generated code that no line's <c>condition-coverage</c> shows), else the sum over the lines.
    /// </summary>
    public int BranchesCovered => _rootBranches?.Covered ?? Files.Values.Sum(f => f.Branches.Values.Sum(b => b.Covered));

    /// <summary>Branch outcomes: the root's <c>branches-valid</c> when written, else the sum over the lines.</summary>
    public int BranchesValid => _rootBranches?.Valid ?? Files.Values.Sum(f => f.Branches.Values.Sum(b => b.Total));

    private (int Covered, int Valid)? _rootBranches;

    /// <summary>Methods with at least one line hit.</summary>
    public int MethodsCovered => Files.Values.Sum(f => f.Methods.Values.Count(c => c));

    /// <summary>Methods.</summary>
    public int MethodsValid => Files.Values.Sum(f => f.Methods.Count);

    /// <summary>Line (statement) coverage in percent.</summary>
    public double LinePercent => Percent(LinesCovered, LinesValid);

    /// <summary>Branch coverage in percent.</summary>
    public double BranchPercent => Percent(BranchesCovered, BranchesValid);

    /// <summary>Method coverage in percent.</summary>
    public double MethodPercent => Percent(MethodsCovered, MethodsValid);

    /// <summary>Reads a Cobertura file.</summary>
    public static CoberturaReport Load(string path)
    {
        XDocument doc;
        try
        {
            using FileStream stream = File.OpenRead(path);
            doc = XDocument.Load(stream, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new CoverageException($"{path}:{e.LineNumber}:{e.LinePosition}: not Cobertura XML: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new CoverageException($"{path}: {e.Message}", e);
        }

        XElement root = doc.Root is { Name.LocalName: "coverage" } r ? r : throw new CoverageException($"{path}:1:1: not Cobertura XML: the root element is not <coverage>");
        string source = root.Element("sources")?.Elements("source").Select(s => s.Value.Trim()).FirstOrDefault(s => s.Length > 0) ?? "";
        CoberturaReport report = new();
        if (int.TryParse((string?)root.Attribute("branches-covered"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int bc)
            && int.TryParse((string?)root.Attribute("branches-valid"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int bv))
        {
            report._rootBranches = (bc, bv);
        }

        foreach (XElement cls in root.Descendants("class"))
        {
            string fileName = (string?)cls.Attribute("filename") ?? throw new CoverageException($"{path}:{Line(cls)}: <class> without filename");
            string full = System.IO.Path.IsPathRooted(fileName) || source.Length == 0 ? fileName : System.IO.Path.Combine(source, fileName);
            if (!report.Files.TryGetValue(full, out CoverageFile? file))
            {
                file = new CoverageFile(full);
                report.Files.Add(full, file);
            }

            foreach (XElement line in cls.Element("lines")?.Elements("line") ?? [])
            {
                int number = Int(line, "number", path);
                long hits = long.TryParse((string?)line.Attribute("hits"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long h) ? h : throw new CoverageException($"{path}:{Line(line)}: <line> hits is not a number");
                file.Lines[number] = file.Lines.TryGetValue(number, out long had) ? Math.Max(had, hits) : hits;
                if ((string?)line.Attribute("condition-coverage") is string condition && s_condition.Match(condition) is { Success: true } m)
                {
                    int covered = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                    int total = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                    (int c, int t) = file.Branches.TryGetValue(number, out var b) ? b : (0, 0);
                    file.Branches[number] = (Math.Max(c, covered), Math.Max(t, total));
                }
            }

            string className = (string?)cls.Attribute("name") ?? "";
            foreach (XElement method in cls.Element("methods")?.Elements("method") ?? [])
            {
                string name = $"{className}.{(string?)method.Attribute("name")}{(string?)method.Attribute("signature")}";
                bool hit = method.Descendants("line").Any(l => (string?)l.Attribute("hits") is string s && s != "0");
                file.Methods[name] = file.Methods.TryGetValue(name, out bool before) ? before || hit : hit;
            }
        }

        return report;
    }

    /// <summary><paramref name="covered"/> of <paramref name="total"/> in percent; 100 when <paramref name="total"/> is 0.</summary>
    public static double Percent(long covered, long total) => total == 0 ? 100 : 100.0 * covered / total;

    private static int Int(XElement e, string attribute, string path) =>
        int.TryParse((string?)e.Attribute(attribute), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v
            : throw new CoverageException($"{path}:{Line(e)}: <{e.Name.LocalName}> {attribute} is not a number");

    private static string Line(XElement e) => e is IXmlLineInfo info && info.HasLineInfo() ? $"{info.LineNumber}:{info.LinePosition}" : "?";
}
