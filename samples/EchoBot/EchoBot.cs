using System.Text;
using SlackKit.WebSockets;

namespace EchoBotSample;

/// <summary>
/// A bot written as one annotated class. The generator implements <see cref="IWebSocketHandler"/> from these
/// methods; the client calls them one at a time, so the fields need no locks.
/// </summary>
[WebSocketHandler]
public sealed partial class EchoBot(TextWriter log, int expectedEchoes)
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _allEchoed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _echoes;

    /// <summary>Completes when the first connection is up.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes when every message sent has come back.</summary>
    public Task AllEchoed => _allEchoed.Task;

    [OnInit]
    private InitResult OnInit()
    {
        log.WriteLine("init: connect now, reconnect if the connection drops");
        return InitResult.Reconnect;
    }

    [OnConnect]
    private void OnConnected()
    {
        log.WriteLine("connected");
        _connected.TrySetResult();
    }

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
        if (++_echoes == expectedEchoes)
        {
            _allEchoed.TrySetResult();
        }
    }
}
