using System.Diagnostics;
using SlackKit.SocketMode.Testing;

namespace SlackKit.SocketMode.Benchmarks;

/// <summary>
/// The fake Slack in a child process, driven by lines on its standard input:
/// <c>burst N kind</c> sends N envelopes on the newest connection as fast as it can and answers when all are acked;
/// <c>paced N rate kind</c> sends them at a steady rate. The answer: <c>DONE elapsedMs p50us p99us</c> (ack latency as
/// the fake sees it: from its send to the ack's arrival).
/// </summary>
internal static class FakeSlackChild
{
    public static async Task<int> RunAsync()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        Console.WriteLine($"URL {slack.ApiBaseUrl}");
        while (await Console.In.ReadLineAsync() is { } line)
        {
            string[] words = line.Split(' ');
            await slack.WaitForConnectionsAsync(1);
            FakeSlackConnection connection = slack.Connections[^1];
            int count = int.Parse(words[1], System.Globalization.CultureInfo.InvariantCulture);
            double rate = words[0] == "paced" ? double.Parse(words[2], System.Globalization.CultureInfo.InvariantCulture) : 0;
            string kind = words[^1];
            var sent = new List<FakeEnvelope>(count);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                if (rate > 0)
                {
                    TimeSpan due = TimeSpan.FromSeconds(i / rate);
                    if (due > clock.Elapsed + TimeSpan.FromMilliseconds(2))
                    {
                        await Task.Delay(due - clock.Elapsed);
                    }
                }

                sent.Add(kind == "command"
                    ? await slack.SendSlashCommandAsync("/deploy", $"v{i}", channel: $"C{i % 8}", on: connection)
                    : await slack.SendAppMentionAsync($"m{i}", channel: $"C{i % 8}", on: connection));
            }

            FakeAck[] acks = await Task.WhenAll(sent.Select(e => e.Acked));
            double elapsed = clock.Elapsed.TotalMilliseconds;
            double[] latencies = [.. acks.Select(a => a.After.TotalMicroseconds).Order()];
            Console.WriteLine(FormattableString.Invariant($"DONE {elapsed:0.0} {latencies[latencies.Length / 2]:0} {latencies[(int)(latencies.Length * 0.99)]:0}"));
        }

        return 0;
    }

    /// <summary>Starts the child; closing its standard input ends it.</summary>
    public static Task<(Process Process, Uri Url)> StartAsync() => SlackKit.Benchmarks.ChildServer.StartAsync("--fake-slack", "fake Slack");
}
