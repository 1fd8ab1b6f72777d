using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SlackKit.WebSockets.Tests.Infrastructure;

/// <summary>
/// A real WebSocket server out of process: Node's <c>ws</c> (Debian's node-ws) or Python's <c>websockets</c>
/// (Debian's python3-websockets), running the scripts in Peers/. They speak one small script protocol, so one test
/// body runs against both. .ci/run installs both packages.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"ws://127.0.0.1:{Port}/");

    /// <summary>Starts the peer on <paramref name="port"/> (0: any free port) and waits until it listens.</summary>
    public static async Task<PeerProcess> StartAsync(string kind, int port = 0)
    {
        (string program, string script, string needs) = kind switch
        {
            "node" => ("node", "peer.js", "/usr/share/nodejs/ws/index.js"),
            "python" => ("/usr/bin/python3", "peer.py", "/usr/lib/python3/dist-packages/websockets/__init__.py"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "node or python"),
        };
        if (!File.Exists(needs))
        {
            throw new InvalidOperationException(
                $"The {kind} peer needs {needs}: apt-get install -y node-ws python3-websockets (.ci/run does).");
        }

        var process = Process.Start(new ProcessStartInfo(program)
        {
            ArgumentList = { Path.Combine(PeersDirectory(), script), port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(Recorder.Timeout);
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The {kind} peer did not start: {line} {await stderr}");
        }

        return new PeerProcess(process, int.Parse(line[5..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Kills the peer at once, as a crash would: the client sees the connection drop.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static string PeersDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(thisFile)!)!, "Peers");
}
