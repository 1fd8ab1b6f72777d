using System.Diagnostics;
using System.Text;
using SlackKit.WebSockets.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SlackKit.WebSockets.Tests.Protocol;

/// <summary>
/// Random frame streams cut at random places (issue 14): valid ones give exactly the messages and control frames sent;
/// damaged ones never throw, never hang and never report more than was sent. A few seconds by default;
/// <c>SKWS_FUZZ_SECONDS</c> runs longer and <c>SKWS_FUZZ_SEED</c> replays one seed.
/// </summary>
public class FrameReaderFuzzTests(ITestOutputHelper output)
{
    internal static TimeSpan Budget => TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("SKWS_FUZZ_SECONDS"), out double s) ? s : 2);

    internal static IEnumerable<int> Seeds()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("SKWS_FUZZ_SEED"), out int only))
        {
            yield return only;
            yield break;
        }

        int first = Environment.TickCount & 0x7FFFFFFF;
        var clock = Stopwatch.StartNew();
        for (int i = 0; clock.Elapsed < Budget; i++)
        {
            yield return first + i;
        }
    }

    [Fact]
    public void Random_valid_streams_cut_at_random_give_exactly_what_was_sent()
    {
        int runs = 0;
        foreach (int seed in Seeds())
        {
            var random = new Random(seed);
            RandomStream stream = RandomStream.Make(random, maxMessageSize: 100_000);
            int limit = random.Next(4) switch { 0 => 16, 1 => 200, 2 => 4096, _ => 65_536 };
            var driver = new ReaderDriver(100_000, limit).FeedInPieces(stream.Bytes, RandomStream.Cuts(random, stream.Bytes.Length));
            Assert.True(stream.Events.SequenceEqual(driver.Events),
                $"seed {seed} (SKWS_FUZZ_SEED={seed} replays it), limit {limit}: expected [{Summary(stream.Events)}], got [{Summary(driver.Events)}]");
            runs++;
        }

        output.WriteLine($"{runs} random streams");
    }

    [Fact]
    public void Random_damage_never_throws_never_hangs_and_never_makes_up_a_message()
    {
        int runs = 0;
        foreach (int seed in Seeds())
        {
            var random = new Random(seed);
            RandomStream stream = RandomStream.Make(random, maxMessageSize: 10_000);
            byte[] damaged = [.. stream.Bytes];
            for (int flips = random.Next(1, 4); flips > 0 && damaged.Length > 0; flips--)
            {
                damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
            }

            var driver = new ReaderDriver(10_000, 4096);
            try
            {
                driver.FeedInPieces(damaged, RandomStream.Cuts(random, damaged.Length));
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed} (SKWS_FUZZ_SEED={seed} replays it): {ex}");
            }

            // Whatever was reported before a violation was whole and valid: never more messages than were sent.
            Assert.True(driver.Events.Count(e => !e.StartsWith("violation", StringComparison.Ordinal)) <= stream.Events.Count + 1, $"seed {seed}");
            runs++;
        }

        output.WriteLine($"{runs} damaged streams");
    }

    private static string Summary(IEnumerable<string> events) => string.Join(", ", events.Select(e => e.Length > 40 ? e[..40] + "…" : e));
}

/// <summary>A random valid stream of server frames and the events it should give.</summary>
internal sealed record RandomStream(byte[] Bytes, List<string> Events)
{
    public static RandomStream Make(Random random, int maxMessageSize)
    {
        var bytes = new List<byte>();
        var events = new List<string>();
        int messages = random.Next(1, 20);
        for (int m = 0; m < messages; m++)
        {
            MaybeControl(random, bytes, events);
            bool text = random.Next(2) == 0;
            byte[] payload = text ? Encoding.UTF8.GetBytes(RandomText(random, Size(random, maxMessageSize))) : RandomBytes(random, Size(random, maxMessageSize));
            int pieces = random.Next(1, 5);
            int[] cuts = [.. Enumerable.Range(0, pieces - 1).Select(_ => random.Next(payload.Length + 1)).Order()];
            int start = 0;
            for (int p = 0; p < pieces; p++)
            {
                int end = p < cuts.Length ? cuts[p] : payload.Length;
                byte opcode = p == 0 ? (byte)(text ? 0x1 : 0x2) : (byte)0x0;
                bytes.AddRange(RawConnection.Frame(opcode, payload[start..end], fin: p == pieces - 1));
                start = end;
                if (p < pieces - 1)
                {
                    MaybeControl(random, bytes, events);
                }
            }

            events.Add(text ? "text:" + Encoding.UTF8.GetString(payload) : "binary:" + Convert.ToHexString(payload));
        }

        if (random.Next(2) == 0)
        {
            bytes.AddRange(RawConnection.Close(4000 + random.Next(999), "end"));
            events.Add($"close:{(bytes[^5] << 8) | bytes[^4]}:end");
        }

        return new RandomStream([.. bytes], events);
    }

    /// <summary>Sizes of the pieces a stream is cut into: from 1 byte to large, as TCP may deliver it.</summary>
    public static IEnumerable<int> Cuts(Random random, int length)
    {
        for (int done = 0; done < length;)
        {
            int size = random.Next(4) switch { 0 => 1, 1 => random.Next(1, 16), 2 => random.Next(1, 2000), _ => random.Next(1, length + 1) };
            yield return size;
            done += size;
        }
    }

    private static int Size(Random random, int max) => random.Next(10) switch
    {
        0 => 0,
        < 7 => random.Next(1, 200),
        < 9 => random.Next(200, 5000),
        _ => random.Next(5000, Math.Max(5001, max / 2)),
    };

    private static void MaybeControl(Random random, List<byte> bytes, List<string> events)
    {
        if (random.Next(3) != 0)
        {
            return;
        }

        byte opcode = random.Next(2) == 0 ? (byte)0x9 : (byte)0xA;
        byte[] payload = RandomBytes(random, random.Next(126));
        bytes.AddRange(RawConnection.Frame(opcode, payload));
        events.Add((opcode == 0x9 ? "ping:" : "pong:") + Convert.ToHexString(payload));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string RandomText(Random random, int approximateBytes)
    {
        var text = new StringBuilder();
        string[] pieces = ["a", "Z", " ", "é", "κ", "日", "😀", "𝄞", "\u0080", "\uFFFD"];
        while (Encoding.UTF8.GetByteCount(text.ToString()) < approximateBytes)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        return text.ToString();
    }
}
