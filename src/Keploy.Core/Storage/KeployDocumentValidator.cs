using System.Globalization;
using Keploy.Core.Models;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Storage;

/// <summary>
/// Checks the typed and required fields of a test case or mock as it is read, so that a value that does not parse is a one-line
/// <see cref="KeployFormatException"/> (<c>file:line:column: spec.resp.status_code: expected an integer 100..999, found 'abc'</c>)
/// instead of a default (Keploy's Go decoder also rejects them: <c>yaml: cannot unmarshal !!str into int</c>).
/// </summary>
/// <remarks>
/// <para>Every kind: <c>kind</c> present; <c>spec.created</c> an integer; <c>reqTimestampMock</c>/<c>resTimestampMock</c>
/// RFC3339 timestamps.</para>
/// <para><c>Http</c> (Keploy <c>pkg/models/http.go</c>): <c>req</c> and <c>resp</c> mappings; <c>req.method</c>, <c>req.url</c>,
/// <c>resp.status_code</c> (100..999) present; <c>proto_major</c>/<c>proto_minor</c> integers 0..9; <c>timestamp</c>s RFC3339;
/// <c>header</c> and <c>url_params</c> maps of scalars; bodies scalars; a test case's <c>assertions.noise</c> a map of paths to
/// lists of regexes (or the 2023 list of paths) and its <c>created</c> present (Keploy writes it after every field a replay
/// needs, so its absence marks a document cut short); <c>app_port</c> 0..65535.</para>
/// <para><c>Postgres</c>/<c>PostgresV2</c>: the integer fields the mock reader rebuilds messages from, wherever they appear in
/// the spec (<c>table_oid</c>, <c>data_type_oid</c>, <c>format</c>, <c>process_id</c>, <c>txstatus</c>, ...), in their
/// wire type's range.</para>
/// </remarks>
public static class KeployDocumentValidator
{
    private static readonly Dictionary<string, (long Min, long Max)> PostgresIntegers = new(StringComparer.Ordinal)
    {
        ["table_oid"] = (0, uint.MaxValue),
        ["data_type_oid"] = (0, uint.MaxValue),
        ["table_attribute_number"] = (short.MinValue, short.MaxValue),
        ["data_type_size"] = (short.MinValue, short.MaxValue),
        ["format"] = (short.MinValue, short.MaxValue),
        ["type_modifier"] = (int.MinValue, int.MaxValue),
        ["process_id"] = (int.MinValue, int.MaxValue),
        ["secret_key"] = (int.MinValue, uint.MaxValue),
        ["protocol_version"] = (int.MinValue, int.MaxValue),
        ["txstatus"] = (0, 255),
        ["tx_status"] = (0, 255),
    };

    /// <summary>Checks <paramref name="document"/> (read from <see cref="KeployDocument.Location"/>'s file).</summary>
    /// <param name="document">A test case or mock as read.</param>
    /// <param name="isTestCase">True for a test case file, false for a mocks.yaml document.</param>
    /// <exception cref="KeployFormatException">A field is missing or does not parse; the message names the field and its place.</exception>
    public static void Validate(KeployDocument document, bool isTestCase)
    {
        ArgumentNullException.ThrowIfNull(document);
        SourceLocation where = document.Location ?? new SourceLocation(document.Name, 0, 0);
        var v = new Checker(where.File);
        if (string.IsNullOrEmpty(document.Kind))
        {
            throw new KeployFormatException(where, "the document has no 'kind' (cut short?)");
        }

        YamlMappingNode spec = document.Spec;
        if (spec.Children.Count == 0)
        {
            throw new KeployFormatException(where, $"{document.Kind} document '{document.Name}' has no 'spec' (cut short?)");
        }

        v.Integer(spec, "created", "spec", long.MinValue, long.MaxValue, required: false);
        foreach (KeyValuePair<YamlNode, YamlNode> pair in spec.Children)
        {
            if (pair.Key is YamlScalarNode k && (string.Equals(k.Value, "reqTimestampMock", StringComparison.OrdinalIgnoreCase)
                || string.Equals(k.Value, "resTimestampMock", StringComparison.OrdinalIgnoreCase)))
            {
                v.Timestamp(pair.Value, "spec." + k.Value);
            }
        }

        switch (document.Kind)
        {
            case "Http":
                ValidateHttp(v, spec, where, isTestCase);
                break;
            case "Postgres" or "PostgresV2":
                v.WalkIntegers(spec, "spec", PostgresIntegers, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));
                break;
        }
    }

    private static void ValidateHttp(Checker v, YamlMappingNode spec, SourceLocation where, bool isTestCase)
    {
        YamlMappingNode req = v.RequiredMapping(spec, "req", "spec", where);
        v.RequiredScalar(req, "method", "spec.req", where);
        v.RequiredScalar(req, "url", "spec.req", where);
        v.Integer(req, "proto_major", "spec.req", 0, 9, required: false);
        v.Integer(req, "proto_minor", "spec.req", 0, 9, required: false);
        v.ScalarMap(req, "header", "spec.req");
        v.ScalarMap(req, "url_params", "spec.req");
        v.OptionalScalar(req, "body", "spec.req");
        v.Timestamp(YamlNodes.Get(req, "timestamp"), "spec.req.timestamp");

        YamlMappingNode resp = v.RequiredMapping(spec, "resp", "spec", where);
        v.Integer(resp, "status_code", "spec.resp", 100, 999, required: true, where);
        v.Integer(resp, "proto_major", "spec.resp", 0, 9, required: false);
        v.Integer(resp, "proto_minor", "spec.resp", 0, 9, required: false);
        v.ScalarMap(resp, "header", "spec.resp");
        v.OptionalScalar(resp, "body", "spec.resp");
        v.OptionalScalar(resp, "status_message", "spec.resp");
        v.Timestamp(YamlNodes.Get(resp, "timestamp"), "spec.resp.timestamp");

        if (!isTestCase)
        {
            return;
        }

        v.Integer(spec, "app_port", "spec", 0, 65535, required: false);
        if (YamlNodes.Get(spec, "assertions") is { } assertions && !IsNull(assertions))
        {
            if (assertions is not YamlMappingNode am)
            {
                throw v.Error(assertions, "spec.assertions", "a mapping");
            }

            YamlNode? noise = YamlNodes.Get(am, "noise");
            if (noise is YamlMappingNode nm)
            {
                foreach (KeyValuePair<YamlNode, YamlNode> pair in nm.Children)
                {
                    string path = pair.Key is YamlScalarNode k ? k.Value ?? "" : throw v.Error(pair.Key, "spec.assertions.noise", "a path (scalar) as key");
                    if (IsNull(pair.Value))
                    {
                        continue;
                    }

                    if (pair.Value is not YamlSequenceNode regexes)
                    {
                        throw v.Error(pair.Value, "spec.assertions.noise." + path, "a list of regexes");
                    }

                    foreach (YamlNode r in regexes.Children)
                    {
                        if (r is not YamlScalarNode)
                        {
                            throw v.Error(r, "spec.assertions.noise." + path + "[]", "a regex (scalar)");
                        }
                    }
                }
            }
            else if (noise is YamlSequenceNode paths)
            {
                foreach (YamlNode p in paths.Children)
                {
                    if (p is not YamlScalarNode)
                    {
                        throw v.Error(p, "spec.assertions.noise[]", "a path (scalar)");
                    }
                }
            }
            else if (noise is not null && !IsNull(noise))
            {
                throw v.Error(noise, "spec.assertions.noise", "a mapping of paths to regex lists");
            }
        }

        if (YamlNodes.Get(spec, "created") is null)
        {
            throw new KeployFormatException(v.At(spec.End), "spec.created: missing (Keploy writes it after every field a replay needs; the document was cut short?)");
        }
    }

    /// <summary>
    /// Whether a scalar is an integer in <paramref name="min"/>..<paramref name="max"/> as Keploy's Go decoder reads one: plain
    /// (a quoted <c>"200"</c> is a string there), untagged or <c>!!int</c>, decimal digits with an optional sign.
    /// </summary>
    internal static bool IsInteger(string? text, YamlDotNet.Core.ScalarStyle style, YamlDotNet.Core.TagName tag, long min, long max, out long value)
    {
        value = 0;
        return style == YamlDotNet.Core.ScalarStyle.Plain
            && (tag.IsEmpty || tag.IsNonSpecific || tag.Value is "tag:yaml.org,2002:int" or "!!int")
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
            && value >= min && value <= max;
    }

    private static bool IsNull(YamlNode node) => node is YamlScalarNode s && YamlNodes.IsNull(s);

    private sealed class Checker(string file)
    {
        public SourceLocation At(YamlDotNet.Core.Mark mark) => KeployYaml.At(file, mark);

        public KeployFormatException Error(YamlNode node, string field, string expected)
        {
            string found = node is YamlScalarNode s ? $"'{Shorten(s.Value ?? "")}'" : "a " + KeployYaml.Describe(node);
            return new KeployFormatException(At(node.Start), $"{field}: expected {expected}, found {found}");
        }

        public YamlMappingNode RequiredMapping(YamlMappingNode map, string key, string parent, SourceLocation where)
        {
            YamlNode? node = YamlNodes.Get(map, key);
            if (node is null || IsNull(node))
            {
                throw new KeployFormatException(node is null ? At(map.End) : At(node.Start), $"{parent}.{key}: missing (cut short?)");
            }

            return node as YamlMappingNode ?? throw Error(node, parent + "." + key, "a mapping");
        }

        public void RequiredScalar(YamlMappingNode map, string key, string parent, SourceLocation where)
        {
            YamlNode? node = YamlNodes.Get(map, key);
            if (node is null || IsNull(node))
            {
                throw new KeployFormatException(node is null ? At(map.End) : At(node.Start), $"{parent}.{key}: missing (cut short?)");
            }

            if (node is not YamlScalarNode)
            {
                throw Error(node, parent + "." + key, "a scalar");
            }
        }

        public void OptionalScalar(YamlMappingNode map, string key, string parent)
        {
            YamlNode? node = YamlNodes.Get(map, key);
            if (node is not null and not YamlScalarNode)
            {
                throw Error(node, parent + "." + key, "a scalar");
            }
        }

        public void ScalarMap(YamlMappingNode map, string key, string parent)
        {
            YamlNode? node = YamlNodes.Get(map, key);
            if (node is null || IsNull(node))
            {
                return;
            }

            if (node is not YamlMappingNode m)
            {
                throw Error(node, parent + "." + key, "a mapping of names to values");
            }

            foreach (KeyValuePair<YamlNode, YamlNode> pair in m.Children)
            {
                if (pair.Key is not YamlScalarNode k)
                {
                    throw Error(pair.Key, parent + "." + key, "a name (scalar) as key");
                }

                if (pair.Value is not YamlScalarNode)
                {
                    throw Error(pair.Value, parent + "." + key + "." + k.Value, "a scalar value");
                }
            }
        }

        public void Integer(YamlMappingNode map, string key, string parent, long min, long max, bool required, SourceLocation? where = null)
        {
            YamlNode? node = YamlNodes.Get(map, key);
            if (node is null || IsNull(node))
            {
                if (required)
                {
                    throw new KeployFormatException(node is null ? At(map.End) : At(node.Start), $"{parent}.{key}: missing (cut short?)");
                }

                return;
            }

            CheckInteger(node, parent + "." + key, min, max);
        }

        public void CheckInteger(YamlNode node, string field, long min, long max)
        {
            string expected = min == long.MinValue && max == long.MaxValue ? "an integer" : $"an integer {min}..{max}";
            if (node is not YamlScalarNode s || !IsInteger(s.Value, s.Style, s.Tag, min, max, out _))
            {
                throw Error(node, field, expected);
            }
        }

        public void Timestamp(YamlNode? node, string field)
        {
            if (node is null || IsNull(node))
            {
                return;
            }

            if (node is not YamlScalarNode s || !KeployTime.TryParse(s.Value, out _))
            {
                throw Error(node, field, "an RFC3339 timestamp (2006-01-02T15:04:05Z)");
            }
        }

        public void WalkIntegers(YamlNode node, string path, Dictionary<string, (long Min, long Max)> fields, HashSet<YamlNode> seen)
        {
            if (!seen.Add(node))
            {
                return; // an alias: the node was checked where it was anchored
            }

            switch (node)
            {
                case YamlMappingNode m:
                    foreach (KeyValuePair<YamlNode, YamlNode> pair in m.Children)
                    {
                        string key = (pair.Key as YamlScalarNode)?.Value ?? "";
                        if (fields.TryGetValue(key, out (long Min, long Max) range) && !IsNull(pair.Value))
                        {
                            CheckInteger(pair.Value, path + "." + key, range.Min, range.Max);
                        }
                        else
                        {
                            WalkIntegers(pair.Value, path + "." + key, fields, seen);
                        }
                    }

                    break;
                case YamlSequenceNode q:
                    for (int i = 0; i < q.Children.Count; i++)
                    {
                        WalkIntegers(q.Children[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", fields, seen);
                    }

                    break;
            }
        }

        private static string Shorten(string value)
        {
            string oneLine = value.ReplaceLineEndings(" ");
            return oneLine.Length <= 40 ? oneLine : oneLine[..40] + "...";
        }
    }
}
