using Keploy.Core.Models;
using Keploy.Core.Storage;

namespace Keploy.Core.Sanitize;

/// <summary>What <see cref="TestSetSanitizer.Sanitize"/> changed in one test-set.</summary>
/// <param name="TestSetId">The test-set.</param>
/// <param name="TestCases">Test case files rewritten.</param>
/// <param name="Mocks">Mocks changed (mocks.yaml is rewritten once when any is).</param>
/// <param name="Secrets">Keys in secret.yaml afterwards.</param>
/// <param name="SecretPath">The test-set's secret.yaml.</param>
public sealed record SanitizeSummary(string TestSetId, int TestCases, int Mocks, int Secrets, string SecretPath);

/// <summary>
/// <c>dotnet keploy sanitize</c>: applies <see cref="Sanitizer.Document"/> to every test case and mock of an existing test-set, with
/// the values going to its <c>secret.yaml</c> (kept and extended when it exists). Idempotent: placeholders are left alone, so a second
/// run rewrites nothing. Files are rewritten atomically, and only after the values they lose are in secret.yaml.
/// </summary>
public static class TestSetSanitizer
{
    /// <summary>Sanitizes one test-set in place.</summary>
    /// <exception cref="KeployFormatException">A file of the set is malformed (file:line:column); nothing of that file is rewritten.</exception>
    /// <exception cref="IOException">A file could not be written.</exception>
    public static SanitizeSummary Sanitize(TestSetStore store, string testSetId)
    {
        string secretPath = SecretStore.PathFor(store, testSetId);
        SecretStore secrets = SecretStore.Open(secretPath);
        Sanitizer sanitizer = new(secrets);

        int testCases = 0;
        foreach (TestCase testCase in store.ReadTestCases(testSetId).ToList())
        {
            if (sanitizer.Document(testCase) && testCase.FilePath is not null)
            {
                KeployYaml.WriteAllTextAtomic(testCase.FilePath, KeployYaml.FormatTestCase(testCase));
                testCases++;
            }
        }

        int mocks = 0;
        if (File.Exists(store.MocksPath(testSetId)))
        {
            List<Mock> all = store.ReadMocks(testSetId).ToList();
            foreach (Mock mock in all)
            {
                if (sanitizer.Document(mock))
                {
                    mocks++;
                }
            }

            if (mocks > 0)
            {
                store.RewriteMocks(testSetId, all);
            }
        }

        if (secrets.Count > 0 || File.Exists(secretPath))
        {
            secrets.Save();
        }

        return new SanitizeSummary(testSetId, testCases, mocks, secrets.Count, secretPath);
    }
}
