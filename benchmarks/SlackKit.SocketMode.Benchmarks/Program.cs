// The Socket Mode benchmark: the bot (SlackKit.SocketMode) and a hand-written raw ClientWebSocket Socket Mode loop,
// side by side in one run, against the fake Slack in a child process; then several instances of the SlackBot sample
// (1 or 3 processes, claims in the process or on Redis). --quick: small counts, proves it runs. --only-fleet: the latter.
// --only TEXT: the single-process workloads whose name holds TEXT, and no fleet. SKSM_BENCH_ROUNDS=N: N rounds, not 3.
using System.Diagnostics;
using System.Globalization;
using SlackKit.SocketMode.Benchmarks;

if (args.Contains("--fake-slack"))
{
    return await FakeSlackChild.RunAsync();
}

bool quick = args.Contains("--quick");
if (args.Contains("--only-fleet"))
{
    await Fleet.RunAsync(quick);
    return 0;
}

int rounds = quick ? 1 : int.TryParse(Environment.GetEnvironmentVariable("SKSM_BENCH_ROUNDS"), out int asked) && asked > 0 ? asked : 3;
string? only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
(Process fake, Uri api) = await FakeSlackChild.StartAsync();
var workloads = new (string Name, string Command, TimeSpan Slow)[]
{
    ("events, burst (handler returns at once)", quick ? "burst 300 event" : "burst 20000 event", TimeSpan.Zero),
    ("slash commands, burst (answered in the ack)", quick ? "burst 300 command" : "burst 10000 command", TimeSpan.Zero),
    ("events at 500/s, handler takes 50 ms", quick ? "paced 100 500 event" : "paced 3000 500 event", TimeSpan.FromMilliseconds(50)),
};
Func<IContender>[] contenders = [() => new RawLoopContender(), () => new SocketModeContender(), () => new SocketModeContender(orderPerChannel: false)];

Console.WriteLine($"Socket Mode benchmark: {rounds} round(s), contenders in rotating order; the fake Slack runs in a child process.");
Console.WriteLine();
Console.WriteLine("| workload | contender | envelopes/s (spread) | vs raw | client CPU µs/envelope | client B/envelope | ack p50 / p99 µs (as Slack sees it) | all handled after s |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
foreach ((string name, string command, TimeSpan slow) in workloads.Where(w => only is null || w.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
{
    int count = int.Parse(command.Split(' ')[1], CultureInfo.InvariantCulture);
    var results = new Dictionary<string, List<(double Rate, double Cpu, double Bytes, double P50, double P99, double Handled)>>();
    for (int round = 0; round < rounds; round++)
    {
        for (int c = 0; c < contenders.Length; c++)
        {
            await using IContender contender = contenders[(c + round) % contenders.Length]();
            var handled = new HandledCounter(count);
            await contender.ConnectAsync(api, slow, handled);
            using var process = Process.GetCurrentProcess();
            GC.Collect();
            TimeSpan cpuBefore = process.TotalProcessorTime;
            long bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            await fake.StandardInput.WriteLineAsync(command);
            string done = (await fake.StandardOutput.ReadLineAsync())!;
            await handled.All; // the handlers that run after their ack (the slow ones) finish
            double allHandled = clock.Elapsed.TotalSeconds;

            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds / count;
            double bytes = (double)(GC.GetTotalAllocatedBytes(precise: true) - bytesBefore) / count;
            string[] words = done.Split(' ');
            double elapsedMs = double.Parse(words[1], CultureInfo.InvariantCulture);
            (results.TryGetValue(contender.Name, out var list) ? list : results[contender.Name] = []).Add(
                (count / (elapsedMs / 1000), cpu, bytes, double.Parse(words[2], CultureInfo.InvariantCulture), double.Parse(words[3], CultureInfo.InvariantCulture), allHandled));
        }
    }

    double rawRate = Median(results["raw ClientWebSocket loop"].Select(r => r.Rate));
    foreach ((string contender, var rows) in results)
    {
        double rate = Median(rows.Select(r => r.Rate));
        double spread = rows.Count > 1 ? (rows.Max(r => r.Rate) - rows.Min(r => r.Rate)) / rate * 50 : 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {contender} | {rate:N0} (±{spread:0} %) | {rate / rawRate:0.00} | {Median(rows.Select(r => r.Cpu)):0.0} | {Median(rows.Select(r => r.Bytes)):N0} | {Median(rows.Select(r => r.P50)):N0} / {Median(rows.Select(r => r.P99)):N0} | {Median(rows.Select(r => r.Handled)):0.0} |"));
    }
}

fake.StandardInput.Close();
await fake.WaitForExitAsync();
if (only is null)
{
    await Fleet.RunAsync(quick);
}

return 0;

static double Median(IEnumerable<double> values)
{
    double[] sorted = [.. values.Order()];
    return sorted[sorted.Length / 2];
}
