using System.Net.WebSockets;

namespace SlackKit.WebSockets.Benchmarks;

/// <summary>
/// K connections open and idle in this process: managed bytes per connection (GC.GetTotalMemory after a full
/// collection), raw ClientWebSockets each holding a pending 4 KiB receive against connected [WebSocketHandler]
/// clients, which hold no buffer while nothing arrives.
/// </summary>
internal static class IdleConnections
{
    public static async Task<Result[]> RunAsync(Uri url, int count, TextWriter log)
    {
        var raw = await MeasureAsync("raw ClientWebSocket + pending 4 KiB receive", count, async () =>
        {
            var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await socket.ConnectAsync(url, CancellationToken.None);
            byte[] buffer = new byte[4096];
            Task pending = socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask();
            return (Held: (object)(socket, buffer, pending), Close: async () =>
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                try
                {
                    await pending;
                }
                catch (WebSocketException)
                {
                }

                socket.Dispose();
            });
        });
        log.WriteLine($"  {raw.Contender}: {raw.BytesPerConnection:N0} B/connection");

        var ours = await MeasureAsync("[WebSocketHandler] client", count, async () =>
        {
            var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            WebSocketClient client = WebSocketClient.Start(url, new IdleBot(connected));
            await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return (Held: (object)client, Close: async () => await client.DisposeAsync());
        });
        log.WriteLine($"  {ours.Contender}: {ours.BytesPerConnection:N0} B/connection");
        return [raw, ours];
    }

    public static void Print(Result[] results, TextWriter output)
    {
        double raw = results[0].BytesPerConnection;
        output.WriteLine("| idle connections | K | managed B/connection | vs raw |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (Result r in results)
        {
            output.WriteLine($"| {r.Contender} | {r.Connections:N0} | {r.BytesPerConnection:N0} | {r.BytesPerConnection / raw:0.00} |");
        }
    }

    private static async Task<Result> MeasureAsync(string name, int count, Func<Task<(object Held, Func<Task> Close)>> open)
    {
        long before = Settled();
        var held = new List<(object Held, Func<Task> Close)>(count);
        for (int opened = 0; opened < count; opened += 50)
        {
            held.AddRange(await Task.WhenAll(Enumerable.Range(0, Math.Min(50, count - opened)).Select(_ => open())));
        }

        long after = Settled();
        var result = new Result(name, count, (double)(after - before) / count);
        for (int closed = 0; closed < held.Count; closed += 100)
        {
            await Task.WhenAll(held.Skip(closed).Take(100).Select(h => h.Close()));
        }

        GC.KeepAlive(held);
        return result;
    }

    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    internal sealed record Result(string Contender, int Connections, double BytesPerConnection);
}

[WebSocketHandler]
internal sealed partial class IdleBot(TaskCompletionSource connected)
{
    [OnConnect] void Connected() => connected.TrySetResult();

    [OnText] void Text(string text) { }

    [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("benchmark over");
}
