using System.Collections.Concurrent;
using System.Diagnostics;
using SlackKit.SocketMode.Testing;

namespace SlackKit.FleetTesting;

/// <summary>
/// One instance of the SlackBot sample, run as its own process (<c>dotnet SlackBot.dll</c>, from samples/SlackBot's
/// output in the caller's configuration: the caller's project builds it), against a fake Slack; its console lines are kept.
/// </summary>
internal sealed class BotProcess : IAsyncDisposable
{
    private readonly Process _process;

    private BotProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public ConcurrentQueue<string> Lines { get; } = new();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The processor time it has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// Starts the sample as instance <paramref name="name"/> of the fake Slack's app: two connections, claims on
    /// <paramref name="redis"/> (<c>host:port</c>; null: in the process), each mention's handler waiting
    /// <paramref name="mentionWork"/> before it answers, warnings logged; <paramref name="more"/> adds to or overrides
    /// that configuration (environment variables, <c>Section__Key</c>).
    /// </summary>
    public static BotProcess StartAgainst(FakeSlack slack, string name, string? redis, TimeSpan mentionWork, IReadOnlyDictionary<string, string>? more = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["SLACK_APP_TOKEN"] = FakeSlack.AppToken,
            ["SLACK_BOT_TOKEN"] = FakeSlack.BotToken,
            ["Slack__ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["Slack__Connections"] = "2",
            ["Slack__InstanceId"] = name,
            ["Bot__MentionWork"] = mentionWork.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (redis is not null)
        {
            environment["ConnectionStrings__Redis"] = redis;
        }

        foreach ((string key, string value) in more ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return Start(name, environment);
    }

    private static BotProcess Start(string name, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { SampleDll() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        return new BotProcess(name, Process.Start(start)!);
    }

    /// <summary>Kills it at once (SIGKILL): no handler finishes, no claim is completed, its sockets just go.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Asks it to stop (SIGTERM, as a service manager does) and waits for it to exit.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            await Signals.SendAsync(_process, "TERM");
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public override string ToString() => $"{Name}: {string.Join(Environment.NewLine, Lines.TakeLast(40))}";

    private void Keep(string? line)
    {
        if (line is not null)
        {
            Lines.Enqueue(line);
        }
    }

    /// <summary>samples/SlackBot's build output, in this test assembly's configuration.</summary>
    private static string SampleDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory); // <project>/bin/<Configuration>/net10.0/
        string configuration = here.Parent!.Name;
        DirectoryInfo? root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "SlackKit.Generated.sln")))
        {
            root = root.Parent;
        }

        string dll = Path.Combine(root?.FullName ?? throw new InvalidOperationException("The repository's root (SlackKit.Generated.sln) is not above " + here.FullName),
            "samples", "SlackBot", "bin", configuration, "net10.0", "SlackBot.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"The SlackBot sample is not built at {dll}.");
    }
}
