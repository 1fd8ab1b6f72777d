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

    public static readonly Counter<long> ClaimStoreUnavailable = Meter.CreateCounter<long>(
        "slackkit.socketmode.claims.unavailable", "{envelope}",
        "Envelopes met while the shared claim store could not be reached, by what they got (slack.claims.outage: handled or refused).");

    public static readonly Counter<long> OutageDuplicates = Meter.CreateCounter<long>(
        "slackkit.socketmode.claims.outage_duplicates", "{envelope}",
        "Envelopes handled here while the claim store was out that another instance had claimed too (found when it came back).");

    public static readonly Counter<long> ClaimsTakenOver = Meter.CreateCounter<long>(
        "slackkit.socketmode.claims.taken_over", "{claim}", "Claims of instances that did not finish within the lease, taken over and run here.");

    public static readonly Counter<long> ClaimsLost = Meter.CreateCounter<long>(
        "slackkit.socketmode.claims.lost", "{claim}", "Claims of this instance taken over by another before it completed them (the handler may have run twice).");

    public static readonly KeyValuePair<string, object?> HandledAnyway = new("slack.claims.outage", "handled");

    public static readonly KeyValuePair<string, object?> Refused = new("slack.claims.outage", "refused");

    public static KeyValuePair<string, object?> EnvelopeType(string type) => new("slack.envelope.type", type);

    public static readonly KeyValuePair<string, object?> WithPayload = new("slack.ack.payload", true);

    public static readonly KeyValuePair<string, object?> WithoutPayload = new("slack.ack.payload", false);
}
