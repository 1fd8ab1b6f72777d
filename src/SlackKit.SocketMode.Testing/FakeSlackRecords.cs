using System.Text.Json;

namespace SlackKit.SocketMode.Testing;

/// <summary>An ack the bot sent for an envelope.</summary>
/// <param name="EnvelopeId">The envelope it names.</param>
/// <param name="Payload">The response it carried (<c>payload</c>), as JSON; null for an empty ack.</param>
/// <param name="ConnectionId">The connection it came on.</param>
/// <param name="After">How long after the envelope was sent (on that send's clock: the real one).</param>
public sealed record FakeAck(string EnvelopeId, string? Payload, int ConnectionId, TimeSpan After)
{
    /// <summary>The payload's <c>text</c>, when it has one.</summary>
    public string? Text => Payload is null ? null : Property(Payload, "text");

    internal static string? Property(string json, string name)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }
}

/// <summary>A Web API call the bot made with its bot token (<c>chat.postMessage</c>, <c>chat.update</c>, <c>views.open</c>...).</summary>
/// <param name="Method">The method.</param>
/// <param name="Json">The body as sent.</param>
public sealed record FakeApiCall(string Method, string Json)
{
    /// <summary>The body's <c>channel</c>.</summary>
    public string? Channel => FakeAck.Property(Json, "channel");

    /// <summary>The body's <c>text</c>.</summary>
    public string? Text => FakeAck.Property(Json, "text");

    /// <summary>The body's <c>thread_ts</c>.</summary>
    public string? ThreadTs => FakeAck.Property(Json, "thread_ts");
}

/// <summary>A response the bot POSTed to a <c>response_url</c>.</summary>
/// <param name="EnvelopeId">The envelope whose payload carried that <c>response_url</c>.</param>
/// <param name="Json">The body as sent.</param>
public sealed record FakeResponse(string EnvelopeId, string Json)
{
    /// <summary>The body's <c>text</c>.</summary>
    public string? Text => FakeAck.Property(Json, "text");
}

/// <summary>An envelope the fake Slack sent, and what became of it.</summary>
public sealed class FakeEnvelope
{
    private readonly object _gate = new();
    private readonly List<FakeAck> _acks = [];
    private readonly TaskCompletionSource<FakeAck> _firstAck = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal FakeEnvelope(string envelopeId, string type, string? eventId, string payloadJson, bool acceptsResponsePayload, int retryAttempt)
    {
        EnvelopeId = envelopeId;
        Type = type;
        EventId = eventId;
        PayloadJson = payloadJson;
        AcceptsResponsePayload = acceptsResponsePayload;
        RetryAttempt = retryAttempt;
    }

    /// <summary>The envelope's id.</summary>
    public string EnvelopeId { get; }

    /// <summary><c>events_api</c>, <c>slash_commands</c> or <c>interactive</c>.</summary>
    public string Type { get; }

    /// <summary>The Events API <c>event_id</c>; null for other envelopes.</summary>
    public string? EventId { get; }

    /// <summary>The <c>payload</c>, as sent.</summary>
    public string PayloadJson { get; }

    /// <summary>Whether its ack may carry a response.</summary>
    public bool AcceptsResponsePayload { get; }

    /// <summary>The connection it was sent on.</summary>
    public int ConnectionId { get; internal set; }

    /// <summary>0 the first time; more for a retry.</summary>
    public int RetryAttempt { get; }

    /// <summary>Completes with the first ack of this envelope id (a retry's ack completes the retry's and the original's).</summary>
    public Task<FakeAck> Acked => _firstAck.Task;

    /// <summary>Every ack of this envelope id so far.</summary>
    public IReadOnlyList<FakeAck> Acks
    {
        get
        {
            lock (_gate)
            {
                return [.. _acks];
            }
        }
    }

    internal void OnAck(FakeAck ack)
    {
        lock (_gate)
        {
            _acks.Add(ack);
        }

        _firstAck.TrySetResult(ack);
    }
}
