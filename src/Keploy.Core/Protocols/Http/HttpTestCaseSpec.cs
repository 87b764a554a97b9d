namespace Keploy.Core.Protocols.Http;

/// <summary>The typed view of an Http test case's spec (Keploy <c>pkg/models/http.go</c> <c>HTTPSchema</c>).</summary>
/// <param name="Request"><c>spec.req</c>; the URL is absolute.</param>
/// <param name="Response"><c>spec.resp</c>.</param>
/// <param name="Noise"><c>spec.assertions.noise</c>: path (<c>header.Date</c>, <c>body.id</c>) to regexes; empty list = always ignore.</param>
/// <param name="Created"><c>spec.created</c>, unix seconds.</param>
/// <param name="AppPort"><c>spec.app_port</c> (Keploy v3), or null.</param>
public sealed record HttpTestCaseSpec(
    HttpRequestRecord Request,
    HttpResponseRecord Response,
    Dictionary<string, List<string>> Noise,
    long Created,
    int? AppPort);

/// <summary>The typed view of an Http mock's spec (Keploy <c>pkg/models/mock.go</c> <c>HTTPMockSpec</c>).</summary>
/// <param name="Request"><c>spec.req</c>; the URL is the request target.</param>
/// <param name="Response"><c>spec.resp</c>.</param>
/// <param name="Metadata"><c>spec.metadata</c> (name, operation, type, connID, ...).</param>
/// <param name="Created"><c>spec.created</c>, unix seconds.</param>
public sealed record HttpMockSpec(
    HttpRequestRecord Request,
    HttpResponseRecord Response,
    Dictionary<string, string> Metadata,
    long Created);
