using System.Buffers;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using SlackKit.SocketMode.Payloads;
using SlackKit.SocketMode.Testing;

namespace SlackKit.SocketMode.Benchmarks;

/// <summary>One contender: connects, is driven by the fake's envelopes, disconnects.</summary>
internal interface IContender : IAsyncDisposable
{
    string Name { get; }

    Task ConnectAsync(Uri apiBaseUrl, TimeSpan slowHandler, HandledCounter handled);
}

/// <summary>Counts finished handlers; completes <see cref="All"/> at the target, without anyone polling.</summary>
internal sealed class HandledCounter(int target)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _handled;

    public Task All => _all.Task;

    public void One()
    {
        if (Interlocked.Increment(ref _handled) == target)
        {
            _all.SetResult();
        }
    }
}

/// <summary>The bot: one event route and one command route; "slow" makes each handler wait as if it called an API.</summary>
[SlackApp]
internal sealed partial class BenchBot(HandledCounter handled)
{
    public TimeSpan Slow { get; init; }

    [SlackEvent("app_mention")]
    ValueTask Mentioned(AppMention e) => Slow > TimeSpan.Zero ? SlowAsync() : Done();

    [SlashCommand("/deploy")]
    SlackResponse Deploy(SlashCommand command)
    {
        handled.One();
        return SlackResponse.Ephemeral("deploying " + command.Text);
    }

    private ValueTask Done()
    {
        handled.One();
        return ValueTask.CompletedTask;
    }

    private async ValueTask SlowAsync()
    {
        await Task.Delay(Slow);
        handled.One();
    }
}

internal sealed class SocketModeContender(bool orderPerChannel = true) : IContender
{
    private SlackSocketModeClient? _client;
    private BenchBot? _bot;

    public string Name => orderPerChannel ? "SlackKit.SocketMode" : "SlackKit.SocketMode, OrderPerChannel off";

    public async Task ConnectAsync(Uri apiBaseUrl, TimeSpan slowHandler, HandledCounter handled)
    {
        _bot = new BenchBot(handled) { Slow = slowHandler };
        var options = new SlackSocketModeOptions
        {
            AppToken = FakeSlack.AppToken,
            BotToken = FakeSlack.BotToken,
            ApiBaseUrl = apiBaseUrl,
            MaxConcurrentHandlers = 64,
            DedupeCapacity = 100_000,
            OrderPerChannel = orderPerChannel,
        };
        _client = SlackSocketModeClient.Start(_bot, options);
        await _client.WaitUntilConnectedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }
}

/// <summary>
/// A Socket Mode client written by hand on ClientWebSocket, as a careful user would: apps.connections.open, one
/// receive loop that parses each envelope, acks it at once (awaited) and runs the handler off the loop (an event's
/// slow work in Task.Run; a command's answer in the ack). No dedupe, no reconnect, no ordering, no concurrency bound.
/// </summary>
internal sealed class RawLoopContender : IContender
{
    private readonly ClientWebSocket _socket = new();
    private Task? _loop;
    private HandledCounter _handled = null!;
    private TimeSpan _slow;

    public string Name => "raw ClientWebSocket loop";

    public async Task ConnectAsync(Uri apiBaseUrl, TimeSpan slowHandler, HandledCounter handled)
    {
        _slow = slowHandler;
        _handled = handled;
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(apiBaseUrl, "apps.connections.open"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FakeSlack.AppToken);
        using HttpResponseMessage response = await http.SendAsync(request);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        await _socket.ConnectAsync(new Uri(answer.RootElement.GetProperty("url").GetString()!), CancellationToken.None);
        var hello = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = Task.Run(() => ReceiveAsync(hello));
        await hello.Task;
    }

    private async Task ReceiveAsync(TaskCompletionSource hello)
    {
        byte[] buffer = new byte[64 * 1024];
        while (_socket.State == WebSocketState.Open)
        {
            ValueWebSocketReceiveResult result;
            int length = 0;
            do
            {
                result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            using JsonDocument message = JsonDocument.Parse(buffer.AsMemory(0, length));
            JsonElement root = message.RootElement;
            string? type = root.GetProperty("type").GetString();
            if (type == "hello")
            {
                hello.TrySetResult();
                continue;
            }

            if (!root.TryGetProperty("envelope_id", out JsonElement id))
            {
                continue;
            }

            var ack = new ArrayBufferWriter<byte>(128);
            using (var writer = new Utf8JsonWriter(ack))
            {
                writer.WriteStartObject();
                writer.WriteString("envelope_id", id.GetString());
                if (type == "slash_commands")
                {
                    writer.WriteStartObject("payload");
                    writer.WriteString("response_type", "ephemeral");
                    writer.WriteString("text", "deploying " + root.GetProperty("payload").GetProperty("text").GetString());
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            await _socket.SendAsync(ack.WrittenMemory, WebSocketMessageType.Text, true, CancellationToken.None);
            if (_slow > TimeSpan.Zero)
            {
                _ = Task.Run(async () =>
                {
                    await Task.Delay(_slow);
                    _handled.One();
                });
            }
            else
            {
                _handled.One();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            if (_loop is not null)
            {
                await _loop.WaitAsync(TimeSpan.FromSeconds(2));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
        {
            // Gone already.
        }

        _socket.Dispose();
    }
}
