using System.Diagnostics.Metrics;

namespace SlackKit.WebSockets.Internal;

/// <summary>
/// The client's instruments, on the meter <c>SlackKit.WebSockets</c> (names and meanings in docs/contract.md).
/// With no listener, recording costs a field read.
/// </summary>
internal static class ClientMetrics
{
    public const string MeterName = "SlackKit.WebSockets";

    private static readonly Meter Meter = new(MeterName, typeof(ClientMetrics).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> MessagesReceived = Meter.CreateCounter<long>(
        "slackkit.websockets.messages.received", "{message}", "Messages and control frames received, by kind (websocket.frame.kind).");

    public static readonly Counter<long> MessagesSent = Meter.CreateCounter<long>(
        "slackkit.websockets.messages.sent", "{message}", "Messages and control frames written, by kind (websocket.frame.kind).");

    public static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>(
        "slackkit.websockets.bytes.received", "By", "Payload bytes of the messages received.");

    public static readonly Counter<long> BytesSent = Meter.CreateCounter<long>(
        "slackkit.websockets.bytes.sent", "By", "Payload bytes of the messages written.");

    public static readonly Counter<long> Reconnects = Meter.CreateCounter<long>(
        "slackkit.websockets.reconnects", "{attempt}", "Connect attempts after the first.");

    public static readonly Counter<long> FramesDropped = Meter.CreateCounter<long>(
        "slackkit.websockets.frames.dropped", "{frame}", "Frames accepted for sending that were never written.");

    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>(
        "slackkit.websockets.connections", "{connection}", "Connections open now.");

    public static KeyValuePair<string, object?> Kind(WebSocketFrameKind kind) => new("websocket.frame.kind", KindNames[(int)kind]);

    private static readonly string[] KindNames = ["none", "text", "binary", "ping", "pong", "close"];
}
