using System.Diagnostics;

namespace SlackKit.WebSockets.Benchmarks;

/// <summary>
/// The contenders side by side in one run, against one server in a child process: for each workload, rounds in which
/// every contender (in a rotating order) connects, warms up, then runs the workload (<see cref="Shape"/>). It reports
/// medians over the rounds of: messages per second, CPU per message (this process's processor time: sender,
/// receiver and every thread of the client), bytes allocated per message (<c>GC.GetTotalAllocatedBytes</c>),
/// thread-pool work items per message, and for request-response the p50 and p99 round trip; with the ratios to the
/// raw loop and the spread of the rate over the rounds.
/// </summary>
internal static class EchoHarness
{
    private static readonly (string Name, Func<IContender> Create)[] Contenders =
    [
        ("raw ClientWebSocket", () => new RawLoop()),
        ("Websocket.Client", () => new WebsocketClientContender()),
        ("[OnText] string", () => new HandlerContender(memoryHandler: false)),
        ("[OnText] ReadOnlyMemory<byte>", () => new HandlerContender(memoryHandler: true)),
    ];

    public static async Task<IReadOnlyList<Result>> RunAsync(Uri url, bool quick, bool kestrel, TextWriter log, string? only = null)
    {
        // SKWS_BENCH_ROUNDS: more rounds, for a profiler to sample one workload long enough.
        int rounds = quick ? 1 : int.TryParse(Environment.GetEnvironmentVariable("SKWS_BENCH_ROUNDS"), out int asked) && asked > 0 ? asked : 5;
        var results = new List<Result>();
        foreach (Workload workload in Workload.All)
        {
            if (kestrel && workload.Shape == Shape.FanIn || only is not null && !workload.Name.Contains(only, StringComparison.OrdinalIgnoreCase))
            {
                continue; // Kestrel's echo endpoint does not push
            }

            int count = workload.Count(quick);
            int warmup = Math.Max(1, count / 5);
            var samples = Contenders.ToDictionary(c => c.Name, _ => new List<Sample>());
            for (int round = 0; round < rounds; round++)
            {
                for (int i = 0; i < Contenders.Length; i++)
                {
                    (string name, Func<IContender> create) = Contenders[(i + round) % Contenders.Length];
                    if (Environment.GetEnvironmentVariable("SKWS_BENCH_CONTENDER") is { Length: > 0 } alone && alone != name)
                    {
                        continue; // profiling one contender (SKWS_BENCH_CONTENDER="[OnText] string")
                    }

                    var run = new Run(workload);
                    await using (IContender contender = create())
                    {
                        await contender.ConnectAsync(url, workload, run.OnEcho);
                        await run.RunAsync(contender, warmup);
                        samples[name].Add(await run.RunAsync(contender, count));
                    }

                    Sample last = samples[name][^1];
                    log.WriteLine($"  {workload.Name,-28} round {round + 1}/{rounds} {name,-30} {last.Rate,10:N0} msg/s {last.CpuMicroseconds,6:N2} µs CPU {last.Bytes,9:N1} B {last.WorkItems,5:N2} items{(last.P50 > 0 ? $" p50 {last.P50:N0} µs p99 {last.P99:N0} µs" : "")}");
                }
            }

            foreach ((string name, _) in Contenders)
            {
                List<Sample> s = samples[name];
                if (s.Count == 0)
                {
                    continue;
                }

                double rate = Median(s.Select(x => x.Rate));
                results.Add(new Result(
                    workload.Name, name, rate,
                    s.Count > 1 ? (s.Max(x => x.Rate) - s.Min(x => x.Rate)) / 2 / rate : 0,
                    Median(s.Select(x => x.CpuMicroseconds)), Median(s.Select(x => x.Bytes)), Median(s.Select(x => x.WorkItems)),
                    Median(s.Select(x => x.P50)), Median(s.Select(x => x.P99)), [.. s.Select(x => x.P50).Order()]));
            }
        }

        return results;
    }

    /// <summary>Echoes <paramref name="count"/> messages through one [WebSocketHandler] client, for the allocation sampler.</summary>
    public static async Task SampleAsync(Uri url, Workload workload, bool memoryHandler, int count, AllocationSampler sampler)
    {
        var run = new Run(workload);
        await using IContender contender = new HandlerContender(memoryHandler);
        await contender.ConnectAsync(url, workload, run.OnEcho);
        count = workload.Size > 1024 ? count / 10 : count;
        await run.RunAsync(contender, count / 5);
        sampler.Counting = true;
        await run.RunAsync(contender, count);
        sampler.Counting = false;
    }

    public static void Print(IReadOnlyList<Result> results, TextWriter output)
    {
        output.WriteLine("| workload | contender | msg/s (± spread) | vs raw | CPU µs/msg | vs raw | B/msg | work items/msg | p50 / p99 µs |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (Result r in results)
        {
            Result raw = results.SingleOrDefault(x => x.Workload == r.Workload && x.Contender == "raw ClientWebSocket") ?? r; // one contender alone: ratios to itself
            string latency = r.P50 > 0 ? $"{r.P50:N0} / {r.P99:N0}" : "";
            output.WriteLine($"| {r.Workload} | {r.Contender} | {r.MessagesPerSecond:N0} (±{r.Spread:P0}) | {r.MessagesPerSecond / raw.MessagesPerSecond:0.00} | {r.CpuMicroseconds:N2} | {r.CpuMicroseconds / raw.CpuMicroseconds:0.00} | {r.BytesPerMessage:N1} | {r.WorkItems:N2} | {latency} |");
        }

        // A round's p50 round trip is bimodal on a shared machine, for every contender, raw included (whether a
        // thread-pool worker is still spinning when the answer comes): the median of the rounds then turns on how many
        // fell in the fast mode. So every round's p50 is shown, with the quartiles of the rounds (the fast and the slow
        // mode when both are common) and their ratios to raw's.
        foreach (IGrouping<string, Result> workload in results.Where(r => r.RoundP50s.Count > 1 && r.P50 > 0).GroupBy(r => r.Workload))
        {
            Result? raw = workload.SingleOrDefault(r => r.Contender == "raw ClientWebSocket");
            foreach (Result r in workload)
            {
                IReadOnlyList<double> p50s = r.RoundP50s;
                string line = $"- {r.Workload}, {r.Contender}: p50 of each round, sorted (µs): {string.Join(", ", p50s.Select(x => x.ToString("N0")))}";
                if (raw is not null && raw != r)
                {
                    line += $"; first quartile {Quartile(p50s, 1):N0} ({Quartile(p50s, 1) / Quartile(raw.RoundP50s, 1):0.00}x raw's), third {Quartile(p50s, 3):N0} ({Quartile(p50s, 3) / Quartile(raw.RoundP50s, 3):0.00}x)";
                }

                output.WriteLine(line);
            }
        }

        static double Quartile(IReadOnlyList<double> sorted, int which) => sorted[sorted.Count * which / 4];
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal sealed record Result(string Workload, string Contender, double MessagesPerSecond, double Spread, double CpuMicroseconds,
        double BytesPerMessage, double WorkItems, double P50, double P99, IReadOnlyList<double> RoundP50s); // sorted

    private sealed record Sample(double Rate, double CpuMicroseconds, double Bytes, double WorkItems, double P50, double P99);

    /// <summary>One measured run of a workload: counts echoes, and for request-response times each round trip.</summary>
    private sealed class Run(Workload workload)
    {
        private readonly SemaphoreSlim _window = new(workload.InFlight, workload.InFlight);
        private readonly ManualResetEventSlim _done = new();
        private readonly List<double> _latencies = [];
        private long _sentAt;
        private int _received;
        private int _target = int.MaxValue;

        public void OnEcho()
        {
            if (workload.Shape == Shape.RequestResponse)
            {
                _latencies.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref _sentAt)).TotalMicroseconds);
            }

            if (workload.Shape is Shape.Window or Shape.RequestResponse)
            {
                _window.Release();
            }

            if (Interlocked.Increment(ref _received) == Volatile.Read(ref _target))
            {
                _done.Set();
            }
        }

        public Task<Sample> RunAsync(IContender contender, int count) => Task.Factory.StartNew(
            () =>
            {
                _done.Reset();
                _latencies.Clear();
                Volatile.Write(ref _received, 0);
                Volatile.Write(ref _target, count);
                using var process = Process.GetCurrentProcess();
                TimeSpan cpu = process.TotalProcessorTime;
                long items = ThreadPool.CompletedWorkItemCount;
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                long start = Stopwatch.GetTimestamp();
                switch (workload.Shape)
                {
                    case Shape.FanIn:
                        contender.RequestPush(count, workload.Size);
                        break;
                    case Shape.AwaitedSend:
                        Task.Run(async () =>
                        {
                            for (int i = 0; i < count; i++)
                            {
                                await contender.SendAwaitedAsync();
                            }
                        }).GetAwaiter().GetResult();
                        break;
                    default:
                        for (int i = 0; i < count; i++)
                        {
                            _window.Wait();
                            Volatile.Write(ref _sentAt, Stopwatch.GetTimestamp());
                            contender.Send();
                        }

                        break;
                }

                if (!_done.Wait(TimeSpan.FromMinutes(2)))
                {
                    throw new TimeoutException($"{contender.Name}: {Volatile.Read(ref _received)} of {count} messages in 2 minutes");
                }

                TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
                long bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                double workItems = (double)(ThreadPool.CompletedWorkItemCount - items) / count;
                process.Refresh();
                double cpuPerMessage = (process.TotalProcessorTime - cpu).TotalMicroseconds / count;
                double[] sorted = [.. _latencies.Order()];
                double p50 = sorted.Length > 0 ? sorted[sorted.Length / 2] : 0;
                double p99 = sorted.Length > 0 ? sorted[(int)(sorted.Length * 0.99)] : 0;
                return new Sample(count / elapsed.TotalSeconds, cpuPerMessage, (double)bytes / count, workItems, p50, p99);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }
}
