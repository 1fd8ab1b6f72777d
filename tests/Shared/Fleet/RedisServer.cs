using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SlackKit.FleetTesting;

/// <summary>
/// A real <c>redis-server</c> (for the fleet tests and the fleet benchmark) on 127.0.0.1, on a free port, without persistence, publishing its sorted-set and generic
/// keyspace events (so that a test can wait for a key to change); killed when disposed. .ci/run installs
/// the Debian package <c>redis-server</c>; without it the tests that need one fail, saying so.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The processor time the server has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>StackExchange.Redis's configuration string for it.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        string program = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: apt-get install -y redis-server (.ci/run does).");
        for (int attempt = 0; ; attempt++)
        {
            int port = FreePort();
            var process = Process.Start(new ProcessStartInfo(program)
            {
                ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "notice", "--notify-keyspace-events", "Kzg" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            _ = process.StandardError.ReadToEndAsync();
            if (await ReadyAsync(process))
            {
                return new RedisServer(process, port);
            }

            process.Kill();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not start on port {port} (exit {(process.HasExited ? process.ExitCode : -1)}).");
            }
        }
    }

    /// <summary>Forgets every key (<c>FLUSHALL</c>): a new run's event ids are not the last run's duplicates.</summary>
    public async Task FlushAsync()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        await using NetworkStream stream = client.GetStream();
        await stream.WriteAsync("FLUSHALL\r\n"u8.ToArray());
        byte[] reply = new byte[5];
        int read = await stream.ReadAsync(reply);
        if (read < 3 || reply[0] != (byte)'+')
        {
            throw new InvalidOperationException($"FLUSHALL failed: {System.Text.Encoding.ASCII.GetString(reply, 0, read)}");
        }
    }

    /// <summary>Stops the server's process (SIGSTOP): it keeps its data and its sockets, and answers nothing.</summary>
    public void Pause() => Signals.SendAsync(_process, "STOP").GetAwaiter().GetResult();

    /// <summary>Lets it go on (SIGCONT).</summary>
    public void Resume() => Signals.SendAsync(_process, "CONT").GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Resume();
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Reads its log until it says it accepts connections (true), or it ends (false).</summary>
    private static async Task<bool> ReadyAsync(Process process)
    {
        while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15)) is { } line)
        {
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(); // the rest of its log, read so that it never blocks on a full pipe
                return true;
            }
        }

        return false;
    }
}
