using System.Net;
using System.Net.Http;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;

namespace Keploy.Core.Tests.Http;

/// <summary>Outgoing HTTP calls carrying an app-generated uuid (query string, JSON body): served from the mock of the same shape.</summary>
public sealed class HttpVolatileMatchTests
{
    private static async Task<List<Mock>> RecordTwoOfEach(Guid[] query, Guid[] body)
    {
        return await HttpRecordReplayTests.RecordAsync(
            async client =>
            {
                foreach (Guid id in query)
                {
                    await client.GetStringAsync($"/count?request={id}");
                }

                foreach ((Guid id, int i) in body.Select((g, i) => (g, i)))
                {
                    HttpResponseMessage r = await client.PostAsync("/echo", new StringContent($"{{\"id\":\"{id}\",\"qty\":{i + 1}}}", Encoding.UTF8, "application/json"));
                    r.EnsureSuccessStatusCode();
                }
            },
            expectedMocks: query.Length + body.Length);
    }

    private static (HttpTestProxy Proxy, HttpClient Client) Replay(MockPool pool)
    {
        HttpTestProxy proxy = new((id, client) => new ProxyConnection(id, new IPEndPoint(IPAddress.Loopback, 9), client, _ => { }) { Mocks = pool }, record: false);
        return (proxy, HttpRecordReplayTests.Client(proxy.Port, 5200));
    }

    [Fact]
    public async Task A_new_uuid_in_the_query_string_or_json_body_is_served_in_recorded_order_and_noted()
    {
        List<Mock> mocks = await RecordTwoOfEach(new[] { Guid.NewGuid(), Guid.NewGuid() }, new[] { Guid.NewGuid(), Guid.NewGuid() });
        Assert.Equal(4, mocks.Count);
        MockPool pool = new(mocks, null);
        var (proxy, client) = Replay(pool);
        using (proxy)
        using (client)
        {
            Guid q1 = Guid.NewGuid();
            Assert.Equal("{\"n\":1}", await client.GetStringAsync($"/count?request={q1}"));
            Assert.Equal("{\"n\":2}", await client.GetStringAsync($"/count?request={Guid.NewGuid()}"));

            // Two recorded POSTs with the same keys: Keploy's rule alone cannot choose; the uuid is volatile, qty must be equal.
            Guid b2 = Guid.NewGuid();
            HttpResponseMessage second = await client.PostAsync("/echo", new StringContent($"{{\"id\":\"{b2}\",\"qty\":2}}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
            Assert.Contains("\"qty\":2", await second.Content.ReadAsStringAsync());
            HttpResponseMessage first = await client.PostAsync("/echo", new StringContent($"{{\"id\":\"{Guid.NewGuid()}\",\"qty\":1}}", Encoding.UTF8, "application/json"));
            Assert.Contains("\"qty\":1", await first.Content.ReadAsStringAsync());

            IReadOnlyList<MockEvent> events = pool.TakeEvents();
            Assert.DoesNotContain(events, e => e.Miss is not null);
            List<string> notes = events.Select(e => e.Note).OfType<string>().ToList();
            Assert.Equal(4, notes.Count);
            Assert.Contains($"query.request uuid {q1.ToString()[..8]}… ≠ ", notes[0]);
            Assert.Contains($"body.$.id uuid {b2.ToString()[..8]}… ≠ ", notes[2]);
        }
    }

    [Fact]
    public async Task Strict_mocks_refuse_the_changed_uuid()
    {
        List<Mock> mocks = await RecordTwoOfEach(new[] { Guid.NewGuid() }, new[] { Guid.NewGuid() });
        MockPool pool = new(mocks, null) { StrictMocks = true };
        var (proxy, client) = Replay(pool);
        using (proxy)
        using (client)
        {
            HttpResponseMessage r = await client.GetAsync($"/count?request={Guid.NewGuid()}");
            Assert.Equal(HttpStatusCode.BadGateway, r.StatusCode);
            HttpResponseMessage p = await client.PostAsync("/echo", new StringContent($"{{\"id\":\"{Guid.NewGuid()}\",\"qty\":1}}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadGateway, p.StatusCode);
            Assert.Equal(2, pool.TakeEvents().Count(e => e.Miss is not null));
        }
    }
}
