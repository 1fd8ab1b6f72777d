using System.Diagnostics;

namespace SlackKit.Benchmarks;

/// <summary>
/// A server run in a child process of the same benchmark program (so that its work and allocations are not the
/// client's): started with one argument, it prints "URL ..." first; closing its standard input ends it. Linked into
/// each benchmark project.
/// </summary>
internal static class ChildServer
{
    public static async Task<(Process Process, Uri Url)> StartAsync(string argument, string what)
    {
        var process = Process.Start(new ProcessStartInfo(Environment.ProcessPath!)
        {
            ArgumentList = { argument },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith("URL ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"The {what} did not start: {line}");
        }

        return (process, new Uri(line[4..]));
    }
}
