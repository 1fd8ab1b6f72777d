using System.Net.WebSockets;
using System.Text;

namespace SlackKit.SocketMode.Testing;

/// <summary>One Socket Mode connection a bot opened to the fake Slack.</summary>
public sealed class FakeSlackConnection
{
    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _frozen;

    private readonly FreezableStream _stream;

    internal FakeSlackConnection(int id, WebSocket socket, TaskCompletionSource frozen, FreezableStream stream)
    {
        Id = id;
        _socket = socket;
        _frozen = frozen;
        _stream = stream;
    }

    /// <summary>
    /// Stops reading what the bot sends, without dropping it: its acks wait in TCP's buffers, then in its send queue,
    /// as when Slack is slow to read. <see cref="ResumeReading"/> reads on.
    /// </summary>
    public void PauseReading() => _stream.Pause();

    /// <summary>Reads on after <see cref="PauseReading"/>.</summary>
    public void ResumeReading() => _stream.Resume();

    /// <summary>A number, in the order connections were opened (1, 2...).</summary>
    public int Id { get; }

    /// <summary>Whether the socket is still open.</summary>
    public bool IsOpen => !_closed.Task.IsCompleted;

    /// <summary>Completes when the connection has ended.</summary>
    public Task Closed => _closed.Task;

    internal WebSocket Socket => _socket;

    /// <summary>
    /// Sends <c>{"type":"disconnect","reason":...}</c>: <c>warning</c> (Slack closes the connection about 10 s later:
    /// call <see cref="CloseAsync"/> to play that), <c>refresh_requested</c>, <c>link_disabled</c>, <c>too_many_websockets</c>.
    /// </summary>
    public Task SendDisconnectAsync(string reason) =>
        SendAsync($$$"""{"type":"disconnect","reason":"{{{reason}}}","debug_info":{"host":"applink-fake"}}""");

    /// <summary>
    /// Stops reading from the bot: its pings go unanswered and its acks unread, as a dead connection's. The bot's
    /// keepalive should find it dead and open another.
    /// </summary>
    public void Freeze() => _frozen.TrySetResult();

    /// <summary>Closes the connection from Slack's side (1000), as Slack does after a <c>warning</c>.</summary>
    public async Task CloseAsync()
    {
        await _sending.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Already gone.
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Sends <paramref name="text"/> as one text frame, as it is (malformed JSON, a type yet unknown...).</summary>
    public Task SendRawAsync(string text) => SendAsync(text);

    internal async Task SendAsync(string json)
    {
        await _sending.WaitAsync().ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    internal void OnClosed() => _closed.TrySetResult();
}
