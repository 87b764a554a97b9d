using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;

namespace Keploy.Core.Tests.Replay;

/// <summary><see cref="MockPool.GetIndex{TView}"/>: an index is built exactly once, also when lookups race for it.</summary>
public sealed class MockPoolIndexTests
{
    [Fact]
    public void Racing_callers_build_the_index_once_and_share_it()
    {
        DateTimeOffset t0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        List<Mock> mocks = Enumerable.Range(0, 50).Select(i =>
        {
            HttpRequestRecord req = new() { Method = "GET", Url = $"http://catalog.local/items/{i}", Timestamp = t0 };
            return HttpSpec.CreateMock(req, new HttpResponseRecord { StatusCode = 200, Timestamp = t0 }, i, t0, t0, $"mock-{i}");
        }).ToList();
        MockPool pool = new(mocks, null);
        int views = 0;
        using Barrier start = new(4);
        string? View(Mock m)
        {
            Interlocked.Increment(ref views);
            Thread.Sleep(1); // a slow build: every racer arrives while the first one is building
            return m.Name;
        }

        MockIndex<string>[] got = new MockIndex<string>[4];
        Thread[] threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            got[t] = pool.GetIndex<string>("Test:Http", ["Http"], View, v => [v]);
        })).ToArray();
        foreach (Thread t in threads)
        {
            t.Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        Assert.Equal(mocks.Count, views); // one view per mock: one build
        Assert.All(got, g => Assert.Same(got[0], g));
        Assert.Equal("mock-7", Assert.Single(got[0].GetCandidates("mock-7")).View);
    }

    [Fact]
    public void A_large_pool_made_on_all_cores_keeps_one_view_per_mock_and_the_pool_order_in_each_bucket()
    {
        // 6000 mocks (past the parallel threshold) in 3000 buckets of two: each bucket holds its two mocks in pool order.
        DateTimeOffset t0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        List<Mock> mocks = Enumerable.Range(0, 6000).Select(i =>
        {
            HttpRequestRecord req = new() { Method = "GET", Url = $"http://catalog.local/items/{i % 3000}", Timestamp = t0.AddMilliseconds(i) };
            return HttpSpec.CreateMock(req, new HttpResponseRecord { StatusCode = 200, Timestamp = t0 }, i, t0.AddMilliseconds(i), t0.AddMilliseconds(i), $"mock-{i}");
        }).ToList();
        MockPool pool = new(mocks, null);
        int views = 0;
        MockIndex<string> index = pool.GetIndex<string>("Test:Http", ["Http"], m =>
        {
            Interlocked.Increment(ref views);
            return "k" + (int.Parse(m.Name[5..], System.Globalization.CultureInfo.InvariantCulture) % 3000);
        }, v => [v]);
        Assert.Equal(6000, views);
        foreach (int k in new[] { 0, 1, 1499, 2999 })
        {
            Assert.Equal(new[] { $"mock-{k}", $"mock-{k + 3000}" }, index.GetCandidates("k" + k).Select(c => c.Mock.Name));
        }
    }
}
