using Keploy.Core.Replay;
using Keploy.Core.Replay.Reporting;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Keploy.Core.Tests.Reporting;

/// <summary>
/// The HTML report in a real headless Chromium (Debian's /usr/bin/chromium driven by Microsoft.Playwright; no browser download,
/// no network: the page is opened from a file and every request but file:// is aborted). Screenshots are saved under
/// <c>$KEPLOY_TEST_RESULTS/HtmlReportBrowserTests/</c>, else <c>TestResults/HtmlReportBrowserTests/</c> at the repository root (the
/// results directory scripts/test.sh gives <c>dotnet test</c>), and their paths written to the test output (in the TRX).
/// </summary>
public sealed class HtmlReportBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper _output;
    private readonly string _root = SavedRunFactory.NewRoot();
    private readonly string _profile = Path.Combine(Path.GetTempPath(), "keploy-chromium-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;
    private IBrowserContext? _context;
    private readonly List<string> _consoleErrors = new();

    public HtmlReportBrowserTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: bash scripts/install-deps.sh installs Debian's chromium");
        _playwright = await Playwright.CreateAsync();
        Directory.CreateDirectory(_profile);
        _context = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            Timeout = (float)Wait.TotalMilliseconds,
        });
        _context.SetDefaultTimeout((float)Wait.TotalMilliseconds);
        // Self-contained means nothing but the file itself is fetched; anything else is aborted and counted as an error.
        await _context.RouteAsync(url => !url.StartsWith("file:", StringComparison.Ordinal), async route =>
        {
            lock (_consoleErrors)
            {
                _consoleErrors.Add("network request: " + route.Request.Url);
            }

            await route.AbortAsync();
        });
    }

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        _playwright?.Dispose();
        Directory.Delete(_profile, recursive: true);
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task FailingTestShowsItsDiffSideBySideWithNoiseIgnored()
    {
        string runDir = SavedRunFactory.WriteRun(
            _root,
            ("test-set-0", [
                new FakeTest("test-1", SavedRunFactory.OrderBody(99.99m), SavedRunFactory.OrderBody(73.50m, "2026-12-02T10:00:00Z")) { MocksUsed = ["mock-0"] },
                new FakeTest("test-2", SavedRunFactory.OrderBody(10m), SavedRunFactory.OrderBody(10m, "2026-12-02T10:00:00Z")) { MocksUsed = ["mock-1", "mock-2"] },
                new FakeTest("test-3", "{\"ok\":true}", "{\"ok\":true}")
                {
                    Misses = [new MockMiss("Http", "GET http://catalog:5200/items/7", "mock-3", "url: expected /items/8 actual /items/7", "catalog:5200")],
                },
            ]));
        // A note in the shape the matcher writes for a call that matched with differences (failure_info.matched_calls[].notes).
        string report = Path.Combine(runDir, "test-set-0-report.yaml");
        string yaml = File.ReadAllText(report);
        string withNote = yaml.Replace(
            "            - mock_name: mock-1\n",
            "            - mock_name: mock-1\n              notes:\n                - \"header.X-Trace differs (ignored)\"\n",
            StringComparison.Ordinal);
        Assert.NotEqual(yaml, withNote);
        File.WriteAllText(report, withNote);
        string html = HtmlReportWriter.WriteFile(SavedReportReader.ReadRun(runDir));
        IPage page = await Open(html);

        // Failures first: the status filter starts on FAILED.
        Assert.Equal("FAILED", await page.Locator("#status").InputValueAsync());
        await Expect(page.Locator("#tests .t"), 2);
        Assert.Equal("2", await page.Locator("#failed-count").InnerTextAsync());
        ILocator row = page.Locator(".t", new PageLocatorOptions { HasText = "test-set-0 / test-1" });
        await row.Locator("button.row").ClickAsync();

        ILocator diff = row.Locator("pre.diff");
        await diff.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        string diffText = await diff.InnerTextAsync();
        Assert.Contains("$.total: 99.99", diffText, StringComparison.Ordinal);
        Assert.Contains("$.total: 73.50", diffText, StringComparison.Ordinal);

        ILocator failingRight = row.Locator("table.sbs td.r.f");
        Assert.True(await failingRight.CountAsync() >= 1);
        Assert.Contains("73.50", await failingRight.First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await failingRight.First.IsVisibleAsync());
        Assert.Contains("99.99", await row.Locator("table.sbs td.l.f").First.InnerTextAsync(), StringComparison.Ordinal);
        ILocator ignored = row.Locator("table.sbs td.n", new LocatorLocatorOptions { HasText = "createdAt" });
        Assert.Equal(2, await ignored.CountAsync()); // createdAt is noise: shown, struck through, on both sides
        Assert.Contains("mock-0", await row.InnerTextAsync(), StringComparison.Ordinal);
        await row.Locator("table.sbs.body").ScrollIntoViewIfNeededAsync();
        await Screenshot(page, "failing-test-diff.png");

        // The mock miss of test-3.
        ILocator miss = page.Locator(".t", new PageLocatorOptions { HasText = "test-set-0 / test-3" });
        await miss.Locator("button.row").ClickAsync();
        await miss.Locator(".miss").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.Contains("closest mock: mock-3", await miss.Locator(".miss").InnerTextAsync(), StringComparison.Ordinal);

        // All statuses: the passing test lists the mocks it used.
        await page.Locator("#status").SelectOptionAsync("");
        await Expect(page.Locator("#tests .t"), 3);
        ILocator passed = page.Locator(".t", new PageLocatorOptions { HasText = "test-set-0 / test-2" });
        await passed.Locator("button.row").ClickAsync();
        await passed.Locator(".d").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        string passedText = await passed.Locator(".d").InnerTextAsync();
        Assert.Contains("mock-1", passedText, StringComparison.Ordinal);
        Assert.Contains("\u2248 1 note", await passed.Locator("button.row").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("mock-1: header.X-Trace differs (ignored)", await passed.Locator(".note").InnerTextAsync());
        Assert.Contains("Noise (ignored): header.Date, body.createdAt", passedText, StringComparison.Ordinal);
        Assert.Equal(0, await passed.Locator("pre.diff").CountAsync());
        AssertNoConsoleErrors();
    }

    [Fact]
    public async Task TenThousandTestsLoadAndFilter()
    {
        List<FakeTest> first = new(), second = new();
        for (int i = 0; i < 10_000; i++)
        {
            string expected = SavedRunFactory.OrderBody(i);
            FakeTest t = i == 7777
                ? new FakeTest("test-" + i, expected, SavedRunFactory.OrderBody(i + 1))
                : new FakeTest("test-" + i, expected, expected) { MocksUsed = ["mock-" + i] };
            (i < 5000 ? first : second).Add(t);
        }

        System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
        string runDir = SavedRunFactory.WriteRun(_root, ("test-set-0", first), ("test-set-1", second));
        _output.WriteLine($"report YAML of 10,000 tests written in {clock.Elapsed.TotalSeconds:0.0} s");
        clock.Restart();
        string html = HtmlReportWriter.WriteFile(SavedReportReader.ReadRun(runDir));
        long size = new FileInfo(html).Length;
        _output.WriteLine($"10,000-test report: {html}, {size / 1024} KiB, read and rendered in {clock.Elapsed.TotalSeconds:0.0} s");
        clock.Restart();
        Assert.True(size < 12 * 1024 * 1024, $"report is {size} bytes for 10,000 small tests");

        IPage page = await Open(html);
        await Expect(page.Locator("#tests .t"), 1); // the one failure
        await page.Locator("#status").SelectOptionAsync("");
        await Expect(page.Locator("#tests .t"), 200); // rendered a page at a time
        Assert.Equal("showing 200 of 10000 matching (10000 tests)", await page.Locator("#shown").InnerTextAsync());

        await page.Locator("#filter").FillAsync("test-7777");
        await Expect(page.Locator("#tests .t"), 1);
        Assert.Contains("test-set-1 / test-7777", await page.Locator("#tests .t").InnerTextAsync(), StringComparison.Ordinal);
        await page.Locator("#tests .t button.row").ClickAsync();
        ILocator diff = page.Locator("#tests .t pre.diff");
        await diff.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.Contains("$.total: 7777", await diff.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("$.total: 7778", await diff.InnerTextAsync(), StringComparison.Ordinal);
        await Screenshot(page, "ten-thousand-tests.png");
        _output.WriteLine($"filtered and expanded in Chromium: {clock.Elapsed.TotalSeconds:0.0} s after load");

        await page.Locator("#filter").FillAsync("test-set-0/test-12");
        await Expect(page.Locator("#tests .t"), 111); // test-12, test-120..129, test-1200..1299
        await page.Locator("#set").SelectOptionAsync(new SelectOptionValue { Label = "test-set-1" });
        await Expect(page.Locator("#tests .t"), 0);
        await page.Locator("#filter").FillAsync("");
        await Expect(page.Locator("#tests .t"), 200);
        Assert.Equal("showing 200 of 5000 matching (10000 tests)", await page.Locator("#shown").InnerTextAsync());
        await page.Locator("#more").ClickAsync();
        await Expect(page.Locator("#tests .t"), 400);
        AssertNoConsoleErrors();
    }

    private async Task<IPage> Open(string html)
    {
        IPage page = await _context!.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_consoleErrors)
                {
                    _consoleErrors.Add($"console {message.Type}: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_consoleErrors)
            {
                _consoleErrors.Add("page error: " + error);
            }
        };
        IResponse? response = await page.GotoAsync(new Uri(html).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.NotNull(response);
        await page.Locator("#shown").WaitForAsync();
        return page;
    }

    /// <summary>Waits (up to <see cref="Wait"/>) until <paramref name="locator"/> matches exactly <paramref name="count"/> elements.</summary>
    private static async Task Expect(ILocator locator, int count)
    {
        DateTime until = DateTime.UtcNow + Wait;
        int seen;
        while ((seen = await locator.CountAsync()) != count)
        {
            Assert.True(DateTime.UtcNow < until, $"expected {count} elements, found {seen} after {Wait.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    private async Task Screenshot(IPage page, string name)
    {
        string dir = Environment.GetEnvironmentVariable("KEPLOY_TEST_RESULTS") is { Length: > 0 } env
            ? Path.Combine(env, nameof(HtmlReportBrowserTests))
            : Path.Combine(TestPaths.RepoRoot, "TestResults", nameof(HtmlReportBrowserTests)); // scripts/test.sh's --results-directory
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
        Assert.True(new FileInfo(path).Length > 1000);
        _output.WriteLine("screenshot: " + path);
    }

    private void AssertNoConsoleErrors()
    {
        lock (_consoleErrors)
        {
            Assert.True(_consoleErrors.Count == 0, string.Join("\n", _consoleErrors));
        }
    }
}
