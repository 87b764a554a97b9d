using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Import.Postman;

/// <summary>
/// The steps of a Postman collection run, in Postman's order: for each request, the pre-request scripts (collection, folders, own)
/// run, the request is built with the variables as they are then, and after its response the test scripts run (in the same order),
/// so a login's test script that stores the token serves every later request. Source: Postman docs, "Scripting: execution order".
/// </summary>
public sealed class PostmanImportSource
{
    /// <summary>Reads a collection and, optionally, an environment file.</summary>
    /// <exception cref="ImportException">Either file is unreadable (see <see cref="PostmanCollection.Load"/>).</exception>
    public PostmanImportSource(string collectionPath, string? environmentPath, Action<string> log)
    {
        Collection = PostmanCollection.Load(collectionPath);
        List<KeyValuePair<string, string>> environment = environmentPath is null ? new() : PostmanCollection.LoadEnvironment(environmentPath);
        Variables = new PostmanVariables(Collection.Variables, environment)
        {
            Unresolved = name => log($"{Path.GetFileName(collectionPath)}: variable '{{{{{name}}}}}' is defined in no scope (environment file: {(environmentPath is null ? "none given, -e" : Path.GetFileName(environmentPath))}); left as written"),
        };
        Log = log;
    }

    /// <summary>The collection.</summary>
    public PostmanCollection Collection { get; }

    /// <summary>The variable scopes shared by every step.</summary>
    public PostmanVariables Variables { get; }

    /// <summary>Warning lines.</summary>
    public Action<string> Log { get; }

    /// <summary>The steps; <paramref name="send"/> sends <c>pm.sendRequest</c> requests (null result: nothing to send to).</summary>
    public IEnumerable<ImportStep> Steps(Func<ImportedRequest, HttpResponseSnapshot?> send)
    {
        PostmanScriptHost host = new(Variables, send, Log);
        foreach (PostmanRequestItem item in Collection.Requests)
        {
            yield return new PostmanStep(item, Variables, host);
        }
    }

    private sealed class PostmanStep : ImportStep
    {
        private readonly PostmanRequestItem _item;
        private readonly PostmanVariables _variables;
        private readonly PostmanScriptHost _host;

        public PostmanStep(PostmanRequestItem item, PostmanVariables variables, PostmanScriptHost host)
        {
            _item = item;
            _variables = variables;
            _host = host;
        }

        public override string Name => _item.Name;

        public override string Where => _item.Where;

        public override HttpResponseRecord? SavedResponse
        {
            get
            {
                if (_item.SavedResponses.Count == 0)
                {
                    return null;
                }

                PostmanSavedResponse saved = _item.SavedResponses[0];
                HttpResponseRecord response = new() { StatusCode = saved.Code, StatusMessage = saved.Status, Body = HttpBody.FromText(saved.Body) };
                foreach (KeyValuePair<string, string> h in saved.Headers)
                {
                    response.Header[h.Key] = response.Header.TryGetValue(h.Key, out string? before) ? before + ", " + h.Value : h.Value;
                }

                return response;
            }
        }

        public override ImportedRequest Build()
        {
            List<PostmanScript> pre = _item.Scripts.Where(s => s.Listen == "prerequest").ToList();
            if (pre.Count > 0)
            {
                ImportedRequest? draft = null;
                try
                {
                    draft = PostmanRequestBuilder.Build(_item, _variables);
                }
                catch (ImportException)
                {
                    // pm.request is only informative here; the real build below reports the problem.
                }

                foreach (PostmanScript script in pre)
                {
                    _host.Run(script.Source, "prerequest", _item.Name, _item.Where, draft, null);
                }
            }

            return PostmanRequestBuilder.Build(_item, _variables);
        }

        public override void OnResponse(ImportedRequest sent, HttpResponseRecord response)
        {
            HttpResponseSnapshot snapshot = new(response.StatusCode, response.StatusMessage, response.Header.ToList(), response.Body.Text, 0);
            foreach (PostmanScript script in _item.Scripts.Where(s => s.Listen == "test"))
            {
                _host.Run(script.Source, "test", _item.Name, _item.Where, sent, snapshot);
            }

            _variables.ClearLocal();
        }
    }
}
