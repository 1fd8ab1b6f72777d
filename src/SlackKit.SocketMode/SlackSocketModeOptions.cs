namespace SlackKit.SocketMode;

/// <summary>
/// How a Socket Mode app connects and runs its handlers. In a host these bind from configuration
/// (<c>Slack:AppToken</c>, <c>Slack:BotToken</c>, <c>Slack:Connections</c>...).
/// </summary>
public sealed class SlackSocketModeOptions
{
    /// <summary>The app-level token (<c>xapp-...</c>, scope <c>connections:write</c>), used only to open connections.</summary>
    public string? AppToken { get; set; }

    /// <summary>The bot token (<c>xoxb-...</c>) for the Web API (<see cref="SlackApi"/>); a bot that only acks needs none.</summary>
    public string? BotToken { get; set; }

    /// <summary>
    /// How many Socket Mode connections the app keeps open, 1 to 10 (Slack spreads envelopes over all of them; about 10
    /// per app are allowed). Default 1.
    /// </summary>
    public int Connections { get; set; } = 1;

    /// <summary>How many handlers may run at once, across connections. Default 16.</summary>
    public int MaxConcurrentHandlers { get; set; } = 16;

    /// <summary>
    /// Whether the envelopes of one channel reach their methods one at a time, in arrival order (default true). A
    /// channel's envelopes then wait for each other: with methods that take 50 ms, one channel is handled at 20 per
    /// second at most. False: every method runs as soon as one of <see cref="MaxConcurrentHandlers"/> is free.
    /// </summary>
    public bool OrderPerChannel { get; set; } = true;

    /// <summary>
    /// How long a handler whose return value can go in the ack (slash commands, interactions Slack sends with
    /// <c>accepts_response_payload</c>) is waited for before the envelope is acked empty; its response then goes to the
    /// payload's <c>response_url</c>. Slack wants an ack within 3 s. Default 2.5 s.
    /// </summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(2.5);

    /// <summary>How many event and envelope ids are remembered to drop Slack's retries and duplicates. Default 10,000.</summary>
    public int DedupeCapacity { get; set; } = 10_000;

    /// <summary>
    /// With a shared claim store (several instances of one app): how long an instance's claim on an event holds while
    /// its handler runs, renewed every third of it. When the instance dies, another takes the event over once the lease
    /// ran out, and runs its handler. Default 30 s; at least 1 s.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// With a shared claim store: how long a claimed event or envelope id is remembered, so that Slack's retries of it
    /// are dropped on every instance. Default 1 hour (Slack retries within minutes); at least <see cref="ClaimLease"/>.
    /// </summary>
    public TimeSpan ClaimExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// What an envelope gets when the shared claim store cannot be reached (an error, or no answer within 1 s):
    /// <see cref="SlackClaimStoreOutage.Handle"/> (default) or <see cref="SlackClaimStoreOutage.Refuse"/>. The store is
    /// tried again every second; the app goes back to it by itself.
    /// </summary>
    public SlackClaimStoreOutage WhenClaimStoreUnavailable { get; set; } = SlackClaimStoreOutage.Handle;

    /// <summary>
    /// This instance's name in the shared claim store (claims and takeovers are logged with it). Default: the machine
    /// name, the process id and a random suffix.
    /// </summary>
    public string InstanceId { get; set; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>How often the client pings Slack. Default 10 s.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A ping unanswered this long means the connection is dead, and it is replaced. Default 5 s (as Slack's Node SDK).</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a closing connection waits for Slack to end it after the close handshake. Slack does not always close
    /// its side; default 1 s, so shutdown is never held for long.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many times a Web API call waits out a rate limit before it throws. Default 3.</summary>
    public int MaxRateLimitRetries { get; set; } = 3;

    /// <summary>Slack's Web API (<c>https://slack.com/api/</c>); a fake Slack's in tests.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>The clock of waits and timeouts; a fake one in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws when an option is out of its range, naming it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">A token is missing or of the wrong kind.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(AppToken))
        {
            throw new ArgumentException("AppToken is required: an app-level token (xapp-...) with connections:write (Slack:AppToken in configuration).", nameof(AppToken));
        }

        if (AppToken.StartsWith("xoxb-", StringComparison.Ordinal) || AppToken.StartsWith("xoxp-", StringComparison.Ordinal))
        {
            throw new ArgumentException("AppToken holds a bot or user token; Socket Mode needs the app-level token (xapp-...).", nameof(AppToken));
        }

        if (Connections is < 1 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(Connections), Connections, "Connections is 1 to 10 (Slack allows about 10 per app).");
        }

        if (MaxConcurrentHandlers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentHandlers), MaxConcurrentHandlers, "MaxConcurrentHandlers is at least 1.");
        }

        if (AckTimeout <= TimeSpan.Zero || AckTimeout >= TimeSpan.FromSeconds(3))
        {
            throw new ArgumentOutOfRangeException(nameof(AckTimeout), AckTimeout, "AckTimeout is more than zero and less than Slack's 3 s.");
        }

        if (DedupeCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DedupeCapacity), DedupeCapacity, "DedupeCapacity is at least 1.");
        }

        if (ClaimLease < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(ClaimLease), ClaimLease, "ClaimLease is at least 1 s (it is renewed every third of it).");
        }

        if (ClaimExpiry < ClaimLease)
        {
            throw new ArgumentOutOfRangeException(nameof(ClaimExpiry), ClaimExpiry, "ClaimExpiry is at least ClaimLease.");
        }

        if (!Enum.IsDefined(WhenClaimStoreUnavailable))
        {
            throw new ArgumentOutOfRangeException(nameof(WhenClaimStoreUnavailable), WhenClaimStoreUnavailable, "WhenClaimStoreUnavailable is Handle or Refuse.");
        }

        if (string.IsNullOrWhiteSpace(InstanceId))
        {
            throw new ArgumentException("InstanceId is required: a name unique among the app's instances.", nameof(InstanceId));
        }

        RequirePositive(PingInterval, nameof(PingInterval));
        RequirePositive(PingTimeout, nameof(PingTimeout));
        RequirePositive(CloseTimeout, nameof(CloseTimeout));
        if (MaxRateLimitRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRateLimitRetries), MaxRateLimitRetries, "MaxRateLimitRetries is 0 or more.");
        }

        ArgumentNullException.ThrowIfNull(ApiBaseUrl);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }

    internal SlackSocketModeOptions Clone() => (SlackSocketModeOptions)MemberwiseClone();

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be more than zero.");
        }
    }
}
