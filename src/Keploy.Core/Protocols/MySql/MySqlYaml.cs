using System.Globalization;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// Builds and reads the nodes of <c>kind: MySQL</c> mocks as Keploy writes them (<c>pkg/models/mysql</c>: byte arrays of the
/// handshake as flow sequences, other byte arrays as block sequences, strings quoted by the shared writer). Reads throw
/// <see cref="MySqlProtocolException"/> naming the field path.
/// </summary>
internal static class MySqlYaml
{
    public static YamlMappingNode Map(params (string Key, YamlNode Value)[] entries)
    {
        YamlMappingNode m = new();
        foreach ((string k, YamlNode v) in entries)
        {
            m.Add(k, v);
        }

        return m;
    }

    public static YamlScalarNode Int(long v) => KeployYaml.Int(v);

    public static YamlScalarNode UInt(ulong v) => new(v.ToString(CultureInfo.InvariantCulture)) { Style = YamlDotNet.Core.ScalarStyle.Plain };

    public static YamlScalarNode Bool(bool v) => KeployYaml.Bool(v);

    public static YamlScalarNode Str(string v) => KeployYaml.Str(v);

    /// <summary>Bytes as text when valid UTF-8, else <c>!!binary</c>.</summary>
    public static YamlScalarNode Text(byte[] v) => KeployYaml.BytesOrString(v);

    public static YamlSequenceNode FlowBytes(ReadOnlySpan<byte> v) => KeployYaml.FlowInts(v);

    public static YamlSequenceNode BlockBytes(ReadOnlySpan<byte> v)
    {
        YamlSequenceNode s = new();
        foreach (byte b in v)
        {
            s.Add(Int(b));
        }

        return s;
    }

    public static YamlNode Null() => KeployYaml.Null();

    public static YamlNode Need(YamlMappingNode? map, string key, string path) =>
        YamlNodes.Get(map, key) ?? throw new MySqlProtocolException($"{path}.{key} is missing");

    public static long GetInt(YamlMappingNode? map, string key, string path, long? fallback = null)
    {
        if (YamlNodes.Get(map, key) is not YamlScalarNode s || YamlNodes.IsNull(s))
        {
            return fallback ?? throw new MySqlProtocolException($"{path}.{key} is missing");
        }

        if (long.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
        {
            return v;
        }

        if (ulong.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong u))
        {
            return unchecked((long)u);
        }

        throw new MySqlProtocolException($"{path}.{key} is '{s.Value}', not an integer");
    }

    public static bool GetBool(YamlMappingNode? map, string key, bool fallback = false) =>
        YamlNodes.GetString(map, key) is { } s ? string.Equals(s, "true", StringComparison.OrdinalIgnoreCase) : fallback;

    public static string GetStr(YamlMappingNode? map, string key, string fallback = "") => YamlNodes.GetString(map, key) ?? fallback;

    /// <summary>The bytes of a string scalar (UTF-8, or base64 for <c>!!binary</c>); empty when absent.</summary>
    public static byte[] GetText(YamlMappingNode? map, string key) =>
        YamlNodes.Get(map, key) is YamlScalarNode s && !YamlNodes.IsNull(s) ? KeployYaml.GetBytes(s) : Array.Empty<byte>();

    /// <summary>A byte array written as a sequence of integers (flow or block); empty when absent.</summary>
    public static byte[] GetBytes(YamlMappingNode? map, string key, string path)
    {
        YamlNode? node = YamlNodes.Get(map, key);
        if (node is null || node is YamlScalarNode { Value: null or "" or "null" })
        {
            return Array.Empty<byte>();
        }

        if (node is YamlScalarNode bin && KeployYaml.IsBinary(bin))
        {
            return KeployYaml.GetBytes(bin);
        }

        if (node is not YamlSequenceNode seq)
        {
            throw new MySqlProtocolException($"{path}.{key} is not a list of bytes");
        }

        byte[] result = new byte[seq.Children.Count];
        for (int i = 0; i < result.Length; i++)
        {
            if (seq.Children[i] is not YamlScalarNode s || !byte.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out result[i]))
            {
                throw new MySqlProtocolException($"{path}.{key}[{i}] is not a byte");
            }
        }

        return result;
    }

    public static IEnumerable<YamlMappingNode> Entries(YamlMappingNode? map, string key) =>
        YamlNodes.GetSequence(map, key)?.Children.OfType<YamlMappingNode>() ?? Enumerable.Empty<YamlMappingNode>();

    /// <summary>The <c>header: {payload_length, sequence_id}</c> pair of a column or row.</summary>
    public static YamlMappingNode Header(int payloadLength, byte sequenceId) =>
        Map(("payload_length", Int(payloadLength)), ("sequence_id", Int(sequenceId)));

    public static byte SequenceOf(YamlMappingNode? header) => (byte)GetInt(header, "sequence_id", "header", 0);

    /// <summary>Latin-1 free text for messages (never throws).</summary>
    public static string Printable(byte[] bytes) => System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Convert.ToBase64String(bytes);
}
