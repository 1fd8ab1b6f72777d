using System.Text;
using SlackKit.WebSockets;

namespace EchoBotSample;

/// <summary>
/// A bot written as one annotated class. The generator implements <see cref="IWebSocketHandler"/> from these
/// methods; the client calls them one at a time, so the fields need no locks.
/// </summary>
[WebSocketHandler]
public sealed partial class EchoBot(TextWriter log)
{
    private readonly object _gate = new(); // the echo count is read by the program's thread as well
    private int _echoes;
    private TaskCompletionSource? _waiting;
    private int _waitingFor;

    /// <summary>How many connections were made.</summary>
    public int Connections { get; private set; }

    /// <summary>Completes once <paramref name="count"/> echoes in all have come back.</summary>
    public Task WaitForEchoesAsync(int count, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_echoes >= count)
            {
                return Task.CompletedTask;
            }

            _waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waitingFor = count;
            return _waiting.Task.WaitAsync(cancellationToken);
        }
    }

    [OnInit]
    private InitResult OnInit()
    {
        log.WriteLine("init: connect now, reconnect if the connection drops");
        return InitResult.Reconnect;
    }

    [OnConnect]
    private void OnConnected() => log.WriteLine($"connected (connection {++Connections})");

    [OnText]
    private void OnText(string text)
    {
        log.WriteLine($"<- text   \"{text}\"");
        Echoed();
    }

    [OnBinary]
    private void OnBinary(ReadOnlyMemory<byte> data)
    {
        // The memory is valid only until this method returns: copy what you keep.
        log.WriteLine($"<- binary [{Convert.ToHexString(data.Span)}] ({data.Length} bytes)");
        Echoed();
    }

    [OnClose]
    private void OnClosed(int code, string reason) => log.WriteLine($"<- close  {code} \"{reason}\"");

    [OnInfo]
    private WebSocketFrame? OnNote(string note)
    {
        // Messages given to client.Post arrive here, in order with the frames; a returned frame is sent.
        log.WriteLine($"info: {note}");
        return WebSocketFrame.Text(Encoding.UTF8.GetByteCount(note) + " bytes of note");
    }

    [OnDisconnect]
    private DisconnectResult OnDisconnected(DisconnectReason reason)
    {
        log.WriteLine($"disconnected: {reason}");
        return DisconnectResult.Reconnect;
    }

    [OnTerminate]
    private void OnTerminated(TerminateReason reason) => log.WriteLine($"terminated: {reason}");

    private void Echoed()
    {
        lock (_gate)
        {
            if (++_echoes >= _waitingFor)
            {
                _waiting?.TrySetResult();
            }
        }
    }
}
