using System.Text;

namespace SlackKit.WebSockets.Tests.Infrastructure;

/// <summary>Records connects, texts, pings and pongs (with their payloads); ends the client at the first disconnect.</summary>
[WebSocketHandler]
internal sealed partial class PingRecorder(Recorder recorder)
{
    public DisconnectReason? LastDisconnect { get; private set; }

    [OnConnect] void Connected() => recorder.Add("connect");

    [OnText] void Text(string text) => recorder.Add("text:" + text);

    [OnPing] void Ping(ReadOnlyMemory<byte> payload) => recorder.Add("ping:" + Encoding.UTF8.GetString(payload.Span));

    [OnPong] void Pong(ReadOnlyMemory<byte> payload) => recorder.Add("pong:" + Encoding.UTF8.GetString(payload.Span));

    [OnClose] void Close(int? code, string reason) => recorder.Add($"close:{code}");

    [OnDisconnect]
    DisconnectResult Lost(DisconnectReason reason)
    {
        LastDisconnect = reason;
        recorder.Add($"disconnect:{reason.Kind}");
        return DisconnectResult.Close("test over");
    }
}

/// <summary>Its [OnPing] waits on a gate the test opens: a handler that is far behind.</summary>
[WebSocketHandler]
internal sealed partial class StuckPing(Recorder recorder, Task gate)
{
    [OnPing]
    async Task Ping()
    {
        recorder.Add("ping");
        await gate;
    }

    [OnText] void Text(string text) => recorder.Add("text:" + text);

    [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("test over");
}

/// <summary>Each text waits on a gate the test opens: a slow handler, its slowness under the test's control.</summary>
[WebSocketHandler]
internal sealed partial class GatedHandler(Recorder recorder, Task gate)
{
    [OnConnect] void Connected() => recorder.Add("connect");

    [OnText]
    async Task Text(string text)
    {
        recorder.Add("handling:" + text);
        await gate;
        recorder.Add("handled:" + text);
    }

    [OnDisconnect]
    DisconnectResult Lost(DisconnectReason reason)
    {
        recorder.Add($"disconnect:{reason.Kind}: {reason.Message}");
        return DisconnectResult.Close("test over");
    }
}

/// <summary>No [OnDisconnect] on purpose: what the client does by default is the behaviour under test.</summary>
#pragma warning disable SKWS001
[WebSocketHandler]
internal sealed partial class DefaultDisconnectHandler(Recorder recorder)
#pragma warning restore SKWS001
{
    [OnConnect] void Connected() => recorder.Add("connect");

    [OnTerminate] void Terminated(TerminateReason reason) => recorder.Add("terminate:" + reason.Kind);
}
