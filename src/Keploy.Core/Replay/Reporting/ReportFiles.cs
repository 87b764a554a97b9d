using Keploy.Core.Storage;

namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// The files of reports written while a run goes (<see cref="TestReportWriter"/>, <see cref="HtmlReportStream"/>): hidden scratch
/// files in the run folder (mode 0600) and the final file written whole to a temporary name, fsynced and renamed into place.
/// </summary>
internal static class ReportFiles
{
    /// <summary>A new hidden scratch file <c>.&lt;name&gt;.&lt;guid&gt;.&lt;suffix&gt;.tmp</c> in <paramref name="directory"/>, open for writing and reading back.</summary>
    public static (string Path, FileStream Stream) CreateScratch(string directory, string name, string suffix)
    {
        string path = Path.Combine(directory, "." + name + "." + Guid.NewGuid().ToString("N") + "." + suffix + ".tmp");
        FileStreamOptions options = KeployYaml.NewFileOptions(FileMode.CreateNew, 1 << 16);
        options.Access = FileAccess.ReadWrite;
        return (path, new FileStream(path, options));
    }

    /// <summary>Writes <paramref name="path"/> atomically with <paramref name="write"/> (temporary file, fsync, rename); nothing is left on failure.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteAtomic(string path, Action<FileStream> write)
    {
        string temp = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (FileStream output = new(temp, KeployYaml.NewFileOptions(FileMode.CreateNew, 1 << 16)))
            {
                write(output);
                output.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Deletes a scratch file, ignoring a file already gone or not deletable.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Copies a scratch file from its start to <paramref name="output"/>.</summary>
    public static void CopyFrom(FileStream scratch, Stream output)
    {
        scratch.Flush();
        scratch.Position = 0;
        scratch.CopyTo(output);
    }
}
