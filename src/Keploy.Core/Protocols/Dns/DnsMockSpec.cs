using System.Globalization;
using Keploy.Core.Models;
using Keploy.Core.Replay.Matching;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.Dns;

/// <summary>
/// Typed view of a <c>kind: DNS</c> mock in Keploy v3's shape (<c>pkg/models/dns.go</c>; Keploy publishes no sample, so the shape
/// follows the struct as the reference gives it): <c>request: {name, qtype, qclass}</c>, <c>response: {rcode, authoritative,
/// recursionAvailable, truncated, answers, ns, extra}</c> with records as master-file text lines (<see cref="DnsRecordText"/>),
/// then <c>reqTimestampMock</c>/<c>resTimestampMock</c>. DNS mocks are session mocks (Keploy: "always session lifetime"); this
/// tool writes that as <c>metadata.type: config</c> so every reader sees it.
/// </summary>
/// <param name="Name">Question name, dotted with the final dot.</param>
/// <param name="Type">QTYPE.</param>
/// <param name="Class">QCLASS.</param>
/// <param name="ResponseCode">RCODE of the recorded answer.</param>
/// <param name="Authoritative">AA.</param>
/// <param name="RecursionAvailable">RA.</param>
/// <param name="Truncated">TC.</param>
/// <param name="Answers">Answer records.</param>
/// <param name="Authorities">Authority records (<c>ns</c>).</param>
/// <param name="Additionals">Additional records (<c>extra</c>), without the EDNS OPT pseudo-record.</param>
public sealed record DnsMockSpec(string Name, ushort Type, ushort Class, int ResponseCode, bool Authoritative, bool RecursionAvailable, bool Truncated,
    IReadOnlyList<DnsResourceRecord> Answers, IReadOnlyList<DnsResourceRecord> Authorities, IReadOnlyList<DnsResourceRecord> Additionals)
{
    /// <summary>The mock kind.</summary>
    public const string Kind = "DNS";

    /// <summary>The view of a question for <see cref="MockMatchRule"/>: shape = type and class, one field = the name (case-folded,
    /// RFC 4343).</summary>
    public static MatchRequest View(string name, ushort type, ushort cls) =>
        new($"DNS {DnsTypes.Name(type)} {DnsTypes.ClassName(cls)}", [new MatchField("name", name.ToLowerInvariant(), name)]);

    /// <summary>From an answer the real resolver gave to <paramref name="question"/>.</summary>
    public static DnsMockSpec FromAnswer(DnsQuestion question, DnsMessage answer) =>
        new(question.Name, question.Type, question.Class, answer.Header.ResponseCode, answer.Header.Authoritative, answer.Header.RecursionAvailable,
            answer.Header.Truncated, answer.Answers, answer.Authorities, answer.Additionals.Where(r => r.Type != DnsTypes.OPT).ToList());

    /// <summary>Reads a mock. Throws <see cref="KeployFormatException"/> (file:line:column) for a missing request name, a number
    /// out of range or a record line that does not parse.</summary>
    public static DnsMockSpec FromMock(Mock mock)
    {
        YamlMappingNode request = YamlNodes.GetMapping(mock.Spec, "request") ?? throw Bad(mock, mock.Spec, "spec.request is missing");
        YamlMappingNode response = YamlNodes.GetMapping(mock.Spec, "response") ?? new YamlMappingNode();
        string name = YamlNodes.GetString(request, "name") ?? throw Bad(mock, request, "request.name is missing");
        return new DnsMockSpec(
            name,
            U16(mock, request, "qtype", 1),
            U16(mock, request, "qclass", 1),
            (int)YamlNodes.GetInt64(response, "rcode"),
            Bool(response, "authoritative"),
            Bool(response, "recursionAvailable"),
            Bool(response, "truncated"),
            Records(mock, response, "answers"),
            Records(mock, response, "ns"),
            Records(mock, response, "extra"));
    }

    /// <summary>A new mock (session lifetime) with Keploy's key order.</summary>
    public Mock ToMock(DateTimeOffset requestTime, DateTimeOffset responseTime)
    {
        YamlMappingNode metadata = new() { Style = MappingStyle.Flow };
        metadata.Add("type", "config");
        YamlMappingNode request = new() { Style = MappingStyle.Flow };
        request.Add("name", new YamlScalarNode(Name) { Style = ScalarStyle.DoubleQuoted });
        request.Add("qtype", YamlNodes.Int(Type));
        request.Add("qclass", YamlNodes.Int(Class));
        YamlMappingNode response = new();
        response.Add("rcode", YamlNodes.Int(ResponseCode));
        response.Add("authoritative", Plain(Authoritative));
        response.Add("recursionAvailable", Plain(RecursionAvailable));
        response.Add("truncated", Plain(Truncated));
        response.Add("answers", Lines(Answers));
        response.Add("ns", Lines(Authorities));
        response.Add("extra", Lines(Additionals));
        YamlMappingNode spec = new();
        spec.Add("metadata", metadata);
        spec.Add("request", request);
        spec.Add("response", response);
        spec.Add("reqTimestampMock", Storage.KeployYaml.Timestamp(requestTime));
        spec.Add("resTimestampMock", Storage.KeployYaml.Timestamp(responseTime));
        return new Mock { Kind = Kind, Spec = spec };
    }

    /// <summary>The answer to <paramref name="query"/> from this mock: the query's id and question (as sent), RD copied, the
    /// recorded flags, RCODE and records.</summary>
    public DnsMessage Answer(DnsMessage query) =>
        new(new DnsHeader(query.Header.Id, DnsHeader.AnswerFlags(query.Header.Flags, Authoritative, Truncated, RecursionAvailable, ResponseCode)),
            query.Questions, Answers, Authorities, Additionals);

    private static YamlScalarNode Plain(bool value) => new(value ? "true" : "false") { Style = ScalarStyle.Plain };

    private static YamlSequenceNode Lines(IReadOnlyList<DnsResourceRecord> records) =>
        new(records.Select(r => (YamlNode)new YamlScalarNode(DnsRecordText.Format(r)) { Style = ScalarStyle.DoubleQuoted })) { Style = records.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block };

    private static bool Bool(YamlMappingNode map, string key) => string.Equals(YamlNodes.GetString(map, key), "true", StringComparison.OrdinalIgnoreCase);

    private static ushort U16(Mock mock, YamlMappingNode map, string key, ushort fallback)
    {
        long v = YamlNodes.GetInt64(map, key, fallback);
        return v is >= 0 and <= ushort.MaxValue ? (ushort)v : throw Bad(mock, map, $"request.{key} {v.ToString(CultureInfo.InvariantCulture)} is not 0-65535");
    }

    private static List<DnsResourceRecord> Records(Mock mock, YamlMappingNode response, string key)
    {
        List<DnsResourceRecord> records = new();
        foreach (YamlNode item in YamlNodes.GetSequence(response, key) ?? new YamlSequenceNode())
        {
            try
            {
                records.Add(DnsRecordText.Parse((item as YamlScalarNode)?.Value ?? throw new DnsFormatException("expected a record line")));
            }
            catch (DnsFormatException e)
            {
                throw Bad(mock, item, $"response.{key}: {e.Message}");
            }
        }

        return records;
    }

    private static KeployFormatException Bad(Mock mock, YamlNode node, string message) =>
        new(new SourceLocation(mock.Location?.File ?? $"mock {mock.Name}", (int)node.Start.Line, (int)node.Start.Column), $"DNS mock {mock.Name}: {message}");
}
