using System.Diagnostics;
using System.Globalization;
using SlackKit.FleetTesting;
using SlackKit.SocketMode.Testing;

namespace SlackKit.SocketMode.Benchmarks;

/// <summary>
/// Several instances of one app: the SlackBot sample as 1 or 3 processes (two connections each), claiming in the
/// process or on a real redis-server, against a fake Slack in this process. Measures events/s from the first envelope
/// sent to the last answer posted, the bots' CPU and Redis's per event, and acks as the fake Slack sees them.
/// </summary>
internal static class Fleet
{
    private static readonly (string Name, int Processes, bool Redis)[] Configs =
    [
        ("1 process, claims in the process", 1, false),
        ("1 process, claims on Redis", 1, true),
        ("3 processes, claims on Redis", 3, true),
    ];

    public static async Task RunAsync(bool quick)
    {
        Console.WriteLine();
        if (!File.Exists("/usr/bin/redis-server") && !File.Exists("/usr/local/bin/redis-server"))
        {
            Console.WriteLine("Several instances: skipped, no redis-server here (apt-get install -y redis-server).");
            return;
        }

        int rounds = quick ? 1 : 3;
        var workloads = new (string Name, int Events, TimeSpan Work)[]
        {
            ("events, burst, the handler answers at once", quick ? 300 : 6000, TimeSpan.Zero),
            ("events, burst, the handler waits 100 ms, then answers", quick ? 150 : 1500, TimeSpan.FromMilliseconds(100)),
        };
        await using RedisServer redis = await RedisServer.StartAsync();
        Console.WriteLine($"Several instances: the SlackBot sample as separate processes, 2 connections and 16 handlers each; {rounds} round(s), rotating order; the fake Slack in the harness.");
        Console.WriteLine();
        Console.WriteLine("| workload | instances | events/s (spread) | vs 1 process | bots' CPU µs/event | Redis CPU µs/event | ack p50 / p99 ms |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach ((string name, int events, TimeSpan work) in workloads)
        {
            var results = new Dictionary<string, List<Result>>();
            for (int round = 0; round < rounds; round++)
            {
                for (int c = 0; c < Configs.Length; c++)
                {
                    var config = Configs[(c + round) % Configs.Length];
                    Result result = await RunOneAsync(redis, config.Processes, config.Redis, events, work);
                    (results.TryGetValue(config.Name, out var list) ? list : results[config.Name] = []).Add(result);
                }
            }

            double baseline = Median(results[Configs[0].Name].Select(r => r.Rate));
            foreach ((string config, _, _) in Configs)
            {
                List<Result> rows = results[config];
                double rate = Median(rows.Select(r => r.Rate));
                double spread = rows.Count > 1 ? (rows.Max(r => r.Rate) - rows.Min(r => r.Rate)) / rate * 50 : 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {config} | {rate:N0} (±{spread:0} %) | {rate / baseline:0.00} | {Median(rows.Select(r => r.BotCpu)):0} | {Median(rows.Select(r => r.RedisCpu)):0} | {Median(rows.Select(r => r.AckP50)):0.0} / {Median(rows.Select(r => r.AckP99)):0.0} |"));
            }
        }
    }

    private sealed record Result(double Rate, double BotCpu, double RedisCpu, double AckP50, double AckP99);

    private static async Task<Result> RunOneAsync(RedisServer redis, int processes, bool useRedis, int events, TimeSpan work)
    {
        await using FakeSlack slack = await FakeSlack.StartAsync(); // its event ids start again at 1...
        await redis.FlushAsync(); // ...so the last run's claims go
        var bots = new List<BotProcess>();
        try
        {
            for (int i = 0; i < processes; i++)
            {
                bots.Add(BotProcess.StartAgainst(slack, $"bench-{i}", useRedis ? redis.Configuration : null, work));
            }

            try
            {
                await slack.WaitForConnectionsAsync(2 * processes).WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"The bots did not connect: {string.Join(Environment.NewLine, bots)}");
            }

            const int WarmUp = 100;
            await SendAsync(slack, 0, WarmUp);
            try
            {
                await slack.WaitUntilAsync(() => slack.CallCount >= WarmUp).WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{slack.CallCount} of {WarmUp} answered: {string.Join(Environment.NewLine, bots)}");
            }


            TimeSpan botsBefore = Cpu(bots), redisBefore = redis.ProcessorTime;
            var clock = Stopwatch.StartNew();
            FakeEnvelope[] sent = await SendAsync(slack, WarmUp, events);
            await slack.WaitUntilAsync(() => slack.CallCount >= WarmUp + events).WaitAsync(TimeSpan.FromMinutes(5));
            double seconds = clock.Elapsed.TotalSeconds;
            double botCpu = (Cpu(bots) - botsBefore).TotalMicroseconds / events;
            double redisCpu = (redis.ProcessorTime - redisBefore).TotalMicroseconds / events;
            double[] acks = [.. (await Task.WhenAll(sent.Select(e => e.Acked))).Select(a => a.After.TotalMilliseconds).Order()];
            return new Result(events / seconds, botCpu, redisCpu, acks[acks.Length / 2], acks[(int)(acks.Length * 0.99)]);
        }
        finally
        {
            foreach (BotProcess bot in bots)
            {
                await bot.StopAsync();
                await bot.DisposeAsync();
            }
        }
    }

    private static async Task<FakeEnvelope[]> SendAsync(FakeSlack slack, int first, int count)
    {
        var sent = new FakeEnvelope[count];
        for (int i = 0; i < count; i++)
        {
            int n = first + i;
            sent[i] = await slack.SendAppMentionAsync($"<@U0BOT> {n}", channel: $"C{n % 100:D2}", user: $"U{n:D6}");
        }

        return sent;
    }

    private static TimeSpan Cpu(List<BotProcess> bots) => bots.Aggregate(TimeSpan.Zero, (sum, bot) => sum + bot.ProcessorTime);

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }
}
