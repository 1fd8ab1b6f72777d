using System.Net.WebSockets;

namespace SlackKit.WebSockets.Benchmarks;

/// <summary>
/// K connections open and idle in this process: managed bytes per connection (GC.GetTotalMemory after a full
/// collection), raw ClientWebSockets each holding a pending 4 KiB receive against connected [WebSocketHandler]
/// clients, which hold no buffer while nothing arrives. With <c>hold</c>, each contender's connections stay open
/// until Enter is pressed, for a heap snapshot.
/// </summary>
internal static class IdleConnections
{
    public static async Task<Result[]> RunAsync(Uri url, int count, bool hold, TextWriter log)
    {
        // What each contender holds per connection is only what it needs: no closure, no task wrapper.
        var raw = await MeasureAsync("raw ClientWebSocket + pending 4 KiB receive", count, hold, async () =>
        {
            var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await socket.ConnectAsync(url, CancellationToken.None);
            byte[] buffer = new byte[4096];
            return new RawConnection(socket, socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None));
        }, async held =>
        {
            var connection = (RawConnection)held;
            await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            try
            {
                await connection.Pending;
            }
            catch (WebSocketException)
            {
            }

            connection.Socket.Dispose();
        });
        log.WriteLine($"  {raw.Contender}: {raw.BytesPerConnection:N0} B/connection");

        using var connected = new SemaphoreSlim(0);
        var ours = await MeasureAsync("[WebSocketHandler] client", count, hold, async () =>
        {
            WebSocketClient client = WebSocketClient.Start(url, new IdleBot(connected));
            if (!await connected.WaitAsync(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("A client did not connect within 30 s.");
            }

            return client;
        }, held => ((WebSocketClient)held).DisposeAsync().AsTask());
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

    private static async Task<Result> MeasureAsync(string name, int count, bool hold, Func<Task<object>> open, Func<object, Task> close)
    {
        long before = Settled();
        var held = new List<object>(count);
        for (int opened = 0; opened < count; opened += 50)
        {
            held.AddRange(await Task.WhenAll(Enumerable.Range(0, Math.Min(50, count - opened)).Select(_ => open())));
        }

        long after = Settled();
        if (hold)
        {
            // A heap snapshot now shows what each connection holds, type by type:
            //   dotnet-gcdump collect -p <pid>, then dotnet-gcdump report <file>
            Console.WriteLine($"holding {count:N0} x {name} open in process {Environment.ProcessId}; press Enter to go on");
            await Console.In.ReadLineAsync();
        }

        var result = new Result(name, count, (double)(after - before) / count);
        for (int closed = 0; closed < held.Count; closed += 100)
        {
            await Task.WhenAll(held.Skip(closed).Take(100).Select(close));
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

    /// <summary>A raw connection as a careful user would hold it: the socket and its pending receive (which holds the buffer).</summary>
    private sealed record RawConnection(ClientWebSocket Socket, ValueTask<ValueWebSocketReceiveResult> Pending);
}

[WebSocketHandler]
internal sealed partial class IdleBot(SemaphoreSlim connected)
{
    [OnConnect] void Connected() => connected.Release();

    [OnText] void Text(string text) { }

    [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("benchmark over");
}
