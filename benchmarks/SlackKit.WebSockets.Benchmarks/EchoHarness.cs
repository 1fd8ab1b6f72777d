using System.Diagnostics;

namespace SlackKit.WebSockets.Benchmarks;

/// <summary>
/// The contenders side by side in one run, against one echo server in a child process: for each workload, rounds in
/// which every contender (in a rotating order) connects, warms up, then sends N messages pipelined through a window
/// of 64 in flight and receives the N echoes. It reports messages per second and bytes allocated per message in this
/// process (GC.GetTotalAllocatedBytes, sender and receiver together), as medians over the rounds, with the ratios.
/// </summary>
internal static class EchoHarness
{
    private const int Window = 64;

    private static readonly (string Name, Func<IContender> Create)[] Contenders =
    [
        ("raw ClientWebSocket", () => new RawLoop()),
        ("Websocket.Client", () => new WebsocketClientContender()),
        ("[OnText] string", () => new HandlerContender(memoryHandler: false)),
        ("[OnText] ReadOnlyMemory<byte>", () => new HandlerContender(memoryHandler: true)),
    ];

    public static async Task<IReadOnlyList<Result>> RunAsync(Uri url, bool quick, TextWriter log)
    {
        int rounds = quick ? 1 : 5;
        var results = new List<Result>();
        foreach (Workload workload in Workload.All)
        {
            int count = quick ? 500 : workload.Size > 1024 ? 20_000 : 100_000;
            int warmup = quick ? 100 : count / 5;
            var samples = Contenders.ToDictionary(c => c.Name, _ => new List<(double Rate, double Bytes)>());
            for (int round = 0; round < rounds; round++)
            {
                for (int i = 0; i < Contenders.Length; i++)
                {
                    (string name, Func<IContender> create) = Contenders[(i + round) % Contenders.Length];
                    var pipeline = new Pipeline();
                    await using (IContender contender = create())
                    {
                        await contender.ConnectAsync(url, workload, pipeline.OnEcho);
                        await pipeline.RunAsync(contender, warmup);
                        samples[name].Add(await pipeline.RunAsync(contender, count));
                    }

                    log.WriteLine($"  {workload.Name,-12} round {round + 1}/{rounds} {name,-30} {samples[name][^1].Rate,10:N0} msg/s {samples[name][^1].Bytes,8:N1} B/msg");
                }
            }

            foreach ((string name, _) in Contenders)
            {
                results.Add(new Result(workload.Name, name, Median(samples[name].Select(s => s.Rate)), Median(samples[name].Select(s => s.Bytes))));
            }
        }

        return results;
    }

    /// <summary>Echoes <paramref name="count"/> messages through one [WebSocketHandler] client, for the allocation sampler.</summary>
    public static async Task SampleAsync(Uri url, Workload workload, bool memoryHandler, int count, AllocationSampler sampler)
    {
        var pipeline = new Pipeline();
        await using IContender contender = new HandlerContender(memoryHandler);
        await contender.ConnectAsync(url, workload, pipeline.OnEcho);
        count = workload.Size > 1024 ? count / 10 : count;
        await pipeline.RunAsync(contender, count / 5);
        sampler.Counting = true;
        await pipeline.RunAsync(contender, count);
        sampler.Counting = false;
    }

    public static void Print(IReadOnlyList<Result> results, TextWriter output)
    {
        output.WriteLine("| workload | contender | msg/s | vs raw | vs Websocket.Client | B/msg | vs raw |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (Result r in results)
        {
            Result raw = results.Single(x => x.Workload == r.Workload && x.Contender == "raw ClientWebSocket");
            Result wsc = results.Single(x => x.Workload == r.Workload && x.Contender == "Websocket.Client");
            string allocRatio = raw.BytesPerMessage < 0.5 ? (r.BytesPerMessage < 0.5 ? "1.00" : "n/a") : $"{r.BytesPerMessage / raw.BytesPerMessage:0.00}";
            output.WriteLine($"| {r.Workload} | {r.Contender} | {r.MessagesPerSecond:N0} | {r.MessagesPerSecond / raw.MessagesPerSecond:0.00} | {r.MessagesPerSecond / wsc.MessagesPerSecond:0.00} | {r.BytesPerMessage:N1} | {allocRatio} |");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal sealed record Result(string Workload, string Contender, double MessagesPerSecond, double BytesPerMessage);

    /// <summary>At most <see cref="Window"/> messages in flight; the sender blocks on a dedicated thread, the echoes release it.</summary>
    private sealed class Pipeline
    {
        private readonly SemaphoreSlim _window = new(Window, Window);
        private readonly ManualResetEventSlim _done = new();
        private int _received;
        private int _target = int.MaxValue;

        public void OnEcho()
        {
            _window.Release();
            if (Interlocked.Increment(ref _received) == Volatile.Read(ref _target))
            {
                _done.Set();
            }
        }

        public Task<(double Rate, double Bytes)> RunAsync(IContender contender, int count) => Task.Factory.StartNew(
            () =>
            {
                _done.Reset();
                Volatile.Write(ref _received, 0);
                Volatile.Write(ref _target, count);
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < count; i++)
                {
                    _window.Wait();
                    contender.Send();
                }

                if (!_done.Wait(TimeSpan.FromMinutes(2)))
                {
                    throw new TimeoutException($"{contender.Name}: {Volatile.Read(ref _received)} of {count} echoes in 2 minutes");
                }

                TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
                long bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                return (count / elapsed.TotalSeconds, (double)bytes / count);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }
}
