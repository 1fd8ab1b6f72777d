namespace SlackKit.WebSockets.Tests.Infrastructure;

/// <summary>
/// A handler written as users write one. It records every callback, replies as the test tells it, and by default
/// ends the client at the first disconnect so that each test has a definite end.
/// </summary>
[WebSocketHandler]
internal sealed partial class RecordingHandler(Recorder recorder)
{
    /// <summary>What to return for a text message; null records it and returns Ok.</summary>
    public Func<string, HandlerResult>? TextReply { get; init; }

    /// <summary>What [OnDisconnect] decides.</summary>
    public Func<DisconnectReason, DisconnectResult> Decide { get; init; } = _ => DisconnectResult.Close("test over");

    public InitResult Init { get; init; } = InitResult.Reconnect;

    /// <summary>The last reason [OnDisconnect] got.</summary>
    public DisconnectReason? LastDisconnect { get; private set; }

    [OnInit]
    private InitResult OnInit()
    {
        recorder.Add("init");
        return Init;
    }

    [OnConnect]
    private void OnConnect() => recorder.Add("connect");

    [OnText]
    private HandlerResult OnText(string text)
    {
        recorder.Add("text:" + text);
        return TextReply?.Invoke(text) ?? HandlerResult.Ok;
    }

    [OnBinary]
    private void OnBinary(ReadOnlyMemory<byte> data) => recorder.Add("binary:" + Convert.ToHexString(data.Span));

    [OnClose]
    private void OnClose(int? code, string reason) => recorder.Add($"close:{code}:{reason}");

    [OnInfo]
    private void OnInfo(string note) => recorder.Add("info:" + note);

    [OnDisconnect]
    private DisconnectResult OnDisconnect(DisconnectReason reason)
    {
        LastDisconnect = reason;
        recorder.Add($"disconnect:{reason.Kind}:{reason.CloseCode}:{reason.CloseReason}");
        return Decide(reason);
    }

    [OnTerminate]
    private void OnTerminate(TerminateReason reason) => recorder.Add($"terminate:{reason.Kind}");
}
