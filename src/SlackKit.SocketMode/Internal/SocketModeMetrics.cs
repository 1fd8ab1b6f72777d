using System.Diagnostics.Metrics;

namespace SlackKit.SocketMode.Internal;

/// <summary>
/// The Socket Mode instruments, on the meter <c>SlackKit.SocketMode</c> (names and meanings in docs/slack.md).
/// With no listener, recording costs a field read.
/// </summary>
internal static class SocketModeMetrics
{
    public const string MeterName = "SlackKit.SocketMode";

    private static readonly Meter Meter = new(MeterName, typeof(SocketModeMetrics).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Envelopes = Meter.CreateCounter<long>(
        "slackkit.socketmode.envelopes", "{envelope}", "Envelopes received, by type (slack.envelope.type), duplicates included.");

    public static readonly Counter<long> Acks = Meter.CreateCounter<long>(
        "slackkit.socketmode.acks", "{ack}", "Acks sent, by whether they carried a response (slack.ack.payload).");

    public static readonly Histogram<double> AckLatency = Meter.CreateHistogram<double>(
        "slackkit.socketmode.ack.latency", "ms", "From an envelope's arrival to its ack being queued.");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "slackkit.socketmode.retries", "{envelope}", "Envelopes Slack sent again (retry_attempt > 0).");

    public static readonly Counter<long> Duplicates = Meter.CreateCounter<long>(
        "slackkit.socketmode.duplicates", "{envelope}", "Envelopes acked and dropped: their event or envelope was already taken.");

    public static readonly Counter<long> HandlerFailures = Meter.CreateCounter<long>(
        "slackkit.socketmode.handler.failures", "{envelope}", "Handlers that threw.");

    public static readonly Counter<long> LateResponses = Meter.CreateCounter<long>(
        "slackkit.socketmode.responses.late", "{response}", "Responses that missed the ack and went to response_url.");

    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>(
        "slackkit.socketmode.connections", "{connection}", "Socket Mode connections that said hello and are open now.");

    public static KeyValuePair<string, object?> EnvelopeType(string type) => new("slack.envelope.type", type);

    public static readonly KeyValuePair<string, object?> WithPayload = new("slack.ack.payload", true);

    public static readonly KeyValuePair<string, object?> WithoutPayload = new("slack.ack.payload", false);
}
