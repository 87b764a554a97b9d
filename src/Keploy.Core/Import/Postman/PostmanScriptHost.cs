using System.Text.Json;
using Jint;

namespace Keploy.Core.Import.Postman;

/// <summary>
/// Runs a collection's pre-request and test scripts with Jint (an ECMAScript interpreter in .NET), giving them the part of
/// Postman's <c>pm</c> API that collections use to chain requests: <c>pm.environment</c>, <c>pm.collectionVariables</c>,
/// <c>pm.variables</c>, <c>pm.globals</c> (<c>get</c>, <c>set</c>, <c>unset</c>, <c>has</c>, <c>replaceIn</c>, <c>toObject</c>),
/// <c>pm.response</c> (<c>code</c>, <c>status</c>, <c>headers.get</c>, <c>json()</c>, <c>text()</c>, <c>responseTime</c>,
/// <c>to.have.status</c>), <c>pm.request</c> (<c>method</c>, <c>url</c>, <c>headers</c>), <c>pm.test</c>, a chai-style
/// <c>pm.expect</c> (<c>to.eql/equal/include/be.oneOf/above/below/true/false/ok</c>, <c>not</c>), <c>pm.sendRequest</c> (sent
/// synchronously through the import's sender), <c>postman.setEnvironmentVariable</c> (the legacy API) and <c>console.log</c>.
/// Each script runs in its own function scope with 5 s, 64 MB and 10 million statements at most.
/// Source: Postman docs, "Postman JavaScript reference" (pm object).
/// </summary>
public sealed class PostmanScriptHost
{
    private const string Prelude = """
        var pm = (function () {
          function scope(name) {
            return {
              get: function (k) { var v = __get(name, String(k)); return v === null ? undefined : v; },
              set: function (k, v) { __set(name, String(k), (v !== null && typeof v === 'object') ? JSON.stringify(v) : String(v)); },
              unset: function (k) { __unset(name, String(k)); },
              has: function (k) { return __get(name, String(k)) !== null; },
              clear: function () { __clear(name); },
              replaceIn: function (s) { return __replaceIn(String(s)); },
              toObject: function () { return JSON.parse(__all(name)); }
            };
          }
          function headerList(list) {
            return {
              get: function (n) { n = String(n).toLowerCase(); for (var i = 0; i < list.length; i++) { if (list[i].key.toLowerCase() === n) return list[i].value; } return undefined; },
              has: function (n) { return this.get(n) !== undefined; },
              all: function () { return list.slice(); },
              toObject: function () { var o = {}; list.forEach(function (h) { o[h.key] = h.value; }); return o; }
            };
          }
          function expect(actual, negate) {
            function describe(v) {
              if (v && typeof v === 'object' && typeof v.code === 'number' && v.headers && typeof v.json === 'function') return 'response ' + v.code;
              try { return JSON.stringify(v); } catch (x) { return String(v); }
            }
            function check(ok, what) { if (negate ? ok : !ok) throw new Error('expected ' + describe(actual) + (negate ? ' not ' : ' ') + what); }
            function deepEqual(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
            var e = {};
            e.to = e; e.be = e; e.been = e; e.is = e; e.that = e; e.which = e; e.and = e; e.has = e; e.have = e; e.with = e; e.at = e; e.of = e; e.same = e; e.deep = e;
            Object.defineProperty(e, 'not', { get: function () { return expect(actual, !negate); } });
            Object.defineProperty(e, 'true', { get: function () { check(actual === true, 'to be true'); return e; } });
            Object.defineProperty(e, 'false', { get: function () { check(actual === false, 'to be false'); return e; } });
            Object.defineProperty(e, 'ok', { get: function () { check(!!actual, 'to be truthy'); return e; } });
            Object.defineProperty(e, 'null', { get: function () { check(actual === null, 'to be null'); return e; } });
            Object.defineProperty(e, 'undefined', { get: function () { check(actual === undefined, 'to be undefined'); return e; } });
            Object.defineProperty(e, 'empty', { get: function () { check(actual != null && actual.length === 0 || (actual && typeof actual === 'object' && Object.keys(actual).length === 0), 'to be empty'); return e; } });
            e.eql = function (v) { check(deepEqual(actual, v), 'to deeply equal ' + JSON.stringify(v)); return e; };
            e.equal = e.equals = e.eq = function (v) { check(actual === v, 'to equal ' + JSON.stringify(v)); return e; };
            e.include = e.includes = e.contain = e.contains = function (v) {
              var ok = typeof actual === 'string' ? actual.indexOf(v) >= 0 : Array.isArray(actual) ? actual.some(function (x) { return deepEqual(x, v); }) : false;
              check(ok, 'to include ' + JSON.stringify(v)); return e; };
            e.oneOf = function (list) { check(list.some(function (x) { return deepEqual(x, actual); }), 'to be one of ' + JSON.stringify(list)); return e; };
            e.above = e.gt = e.greaterThan = function (v) { check(actual > v, 'to be above ' + v); return e; };
            e.below = e.lt = e.lessThan = function (v) { check(actual < v, 'to be below ' + v); return e; };
            e.least = e.gte = function (v) { check(actual >= v, 'to be at least ' + v); return e; };
            e.most = e.lte = function (v) { check(actual <= v, 'to be at most ' + v); return e; };
            e.a = e.an = function (t) { var k = Array.isArray(actual) ? 'array' : actual === null ? 'null' : typeof actual; check(k === String(t).toLowerCase(), 'to be a ' + t); return e; };
            e.property = function (p, v) { var has = actual != null && Object.prototype.hasOwnProperty.call(actual, p); check(has && (arguments.length < 2 || deepEqual(actual[p], v)), 'to have property ' + p); return e; };
            e.lengthOf = function (n) { check(actual != null && actual.length === n, 'to have length ' + n); return e; };
            e.status = function (s) { var code = actual && actual.code; check(typeof s === 'number' ? code === s : actual && actual.status === s, 'to have status ' + s); return e; };
            e.header = function (n, v) { var h = actual && actual.headers && actual.headers.get(n); check(h !== undefined && (arguments.length < 2 || h === v), 'to have header ' + n); return e; };
            e.match = function (re) { check(re.test(String(actual)), 'to match ' + re); return e; };
            return e;
          }
          function response(r) {
            if (!r) return undefined;
            var res = {
              code: r.code, status: r.status, responseTime: r.responseTime || 0, responseSize: r.body.length,
              headers: headerList(r.headers),
              text: function () { return r.body; },
              json: function () { return JSON.parse(r.body); }
            };
            res.to = { have: { status: function (s) { expect(res).to.have.status(s); }, header: function (n, v) { expect(res).to.have.header(n, v); } },
                       be: { get ok() { expect(r.code >= 200 && r.code < 300).to.be.true; return true; } } };
            return res;
          }
          var p = {
            environment: scope('environment'), collectionVariables: scope('collectionVariables'), variables: scope('variables'), globals: scope('globals'),
            test: function (name, fn) { try { fn(); __test(String(name), true, ''); } catch (e) { __test(String(name), false, String(e && e.message || e)); } },
            expect: function (v) { return expect(v, false); },
            sendRequest: function (req, cb) {
              var spec = typeof req === 'string' ? { url: req, method: 'GET' } : req;
              var headers = [];
              if (spec.header) { if (Array.isArray(spec.header)) headers = spec.header; else Object.keys(spec.header).forEach(function (k) { headers.push({ key: k, value: String(spec.header[k]) }); }); }
              var body = spec.body && spec.body.raw !== undefined ? String(spec.body.raw) : '';
              var answer = JSON.parse(__send(JSON.stringify({ url: String(spec.url), method: String(spec.method || 'GET'), header: headers, body: body })));
              if (cb) { if (answer.error) cb(new Error(answer.error), undefined); else cb(null, response(answer)); }
            },
            info: { requestName: __requestName, eventName: __eventName, iteration: 0, iterationCount: 1 }
          };
          p.request = { method: __request.method, url: { toString: function () { return __request.url; } }, headers: headerList(__request.headers), body: { raw: __request.body } };
          p.response = response(__response);
          return p;
        })();
        var postman = {
          setEnvironmentVariable: function (k, v) { pm.environment.set(k, v); }, getEnvironmentVariable: function (k) { return pm.environment.get(k); },
          clearEnvironmentVariable: function (k) { pm.environment.unset(k); }, setGlobalVariable: function (k, v) { pm.globals.set(k, v); },
          getGlobalVariable: function (k) { return pm.globals.get(k); }
        };
        var console = { log: function () { __log(Array.prototype.map.call(arguments, function (a) { return typeof a === 'string' ? a : JSON.stringify(a); }).join(' ')); } };
        console.info = console.log; console.warn = console.log; console.error = console.log;
        """;

    private readonly PostmanVariables _variables;
    private readonly Func<ImportedRequest, HttpResponseSnapshot?> _send;
    private readonly Action<string> _log;

    /// <summary>Creates the host.</summary>
    /// <param name="variables">The scopes scripts read and write.</param>
    /// <param name="send">Sends a <c>pm.sendRequest</c> request; null when it cannot be sent (no app and no base path).</param>
    /// <param name="log">Receives <c>console.log</c> lines and failed <c>pm.test</c> assertions.</param>
    public PostmanScriptHost(PostmanVariables variables, Func<ImportedRequest, HttpResponseSnapshot?> send, Action<string> log)
    {
        _variables = variables;
        _send = send;
        _log = log;
    }

    /// <summary>Names and outcomes of the <c>pm.test</c> calls of the last script run.</summary>
    public List<(string Name, bool Passed, string Message)> Tests { get; } = new();

    /// <summary>
    /// Runs <paramref name="source"/> as a <paramref name="eventName"/> script (<c>prerequest</c> or <c>test</c>) of
    /// <paramref name="requestName"/>. A script error is logged as one line naming <paramref name="where"/> and does not stop the import.
    /// </summary>
    public void Run(string source, string eventName, string requestName, string where, ImportedRequest? request, HttpResponseSnapshot? response)
    {
        Tests.Clear();
        Engine engine = new(options => options.TimeoutInterval(TimeSpan.FromSeconds(5)).LimitMemory(64_000_000).MaxStatements(10_000_000).LimitRecursion(256));
        engine.SetValue("__get", new Func<string, string, string?>((scope, key) => _variables.Scope(scope).TryGetValue(key, out string? v) ? v : null));
        engine.SetValue("__set", new Action<string, string, string>((scope, key, value) => _variables.Scope(scope)[key] = value));
        engine.SetValue("__unset", new Action<string, string>((scope, key) => _variables.Scope(scope).Remove(key)));
        engine.SetValue("__clear", new Action<string>(scope => _variables.Scope(scope).Clear()));
        engine.SetValue("__all", new Func<string, string>(scope => JsonSerializer.Serialize(_variables.Scope(scope))));
        engine.SetValue("__replaceIn", new Func<string, string>(_variables.Resolve));
        engine.SetValue("__test", new Action<string, bool, string>((name, passed, message) =>
        {
            Tests.Add((name, passed, message));
            if (!passed)
            {
                _log($"{where}: {eventName} script: pm.test '{name}' failed: {message}");
            }
        }));
        engine.SetValue("__log", new Action<string>(line => _log($"{where}: console: {line}")));
        engine.SetValue("__send", new Func<string, string>(SendFromScript));
        engine.SetValue("__requestName", requestName);
        engine.SetValue("__eventName", eventName);
        engine.SetValue("__request", engine.Evaluate("(" + JsonSerializer.Serialize(new
        {
            method = request?.Method ?? "GET",
            url = request?.Url ?? "",
            headers = (request?.Headers ?? Array.Empty<KeyValuePair<string, string>>()).Select(h => new { key = h.Key, value = h.Value }),
            body = request is null ? "" : System.Text.Encoding.UTF8.GetString(request.Body),
        }) + ")"));
        engine.SetValue("__response", response is null ? Jint.Native.JsValue.Null : engine.Evaluate("(" + response.ToJson() + ")"));
        try
        {
            engine.Execute(Prelude);
            engine.Execute("(function () {\n" + source + "\n})();");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A user's script: syntax errors (Acornima), thrown errors, the time/memory/statement limits all end the same way.
            _log($"{where}: {eventName} script failed: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }

    private string SendFromScript(string json)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            JsonElement root = doc.RootElement;
            List<KeyValuePair<string, string>> headers = PostmanCollection.ReadKeyValues(root, "header");
            ImportedRequest request = new("pm.sendRequest", root.GetProperty("method").GetString()!.ToUpperInvariant(),
                _variables.Resolve(root.GetProperty("url").GetString() ?? ""), headers, System.Text.Encoding.UTF8.GetBytes(root.GetProperty("body").GetString() ?? ""));
            HttpResponseSnapshot? response = _send(request);
            return response is null ? JsonSerializer.Serialize(new { error = "pm.sendRequest: no app to send to (give -c or --base-path)" }) : response.ToJson();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or ImportException)
        {
            return JsonSerializer.Serialize(new { error = "pm.sendRequest: " + ex.Message });
        }
    }
}
