namespace SlackKit.SocketMode;

/// <summary>
/// Where the instances of one Slack app agree which of them handles an event: every instance claims an envelope's
/// event id (else its envelope id) before it runs a handler, so that an envelope Slack sends to several instances
/// (retries, the same envelope on two connections) is handled once across the fleet.
/// </summary>
/// <remarks>
/// <para>
/// A claim is <em>running</em> from <see cref="TryClaimAsync"/> until <see cref="CompleteAsync"/>, held by its owner
/// for a lease the owner renews (<see cref="RenewAsync"/>) while the handler runs. A running claim whose lease ran out
/// (its instance died) is taken over by another instance through <see cref="TakeExpiredAsync"/>, with the envelope
/// stored at the claim, and its handler runs there. A completed claim is remembered for the expiry the client gives.
/// </para>
/// <para>
/// Implementations throw when the store cannot be reached (any exception); the client then applies
/// <see cref="SlackSocketModeOptions.WhenClaimStoreUnavailable"/>. Every method may be called from several threads.
/// <c>SlackKit.SocketMode.Redis</c> implements it on Redis (atomic claims, takeover); without it the client uses the
/// host's <c>IDistributedCache</c> (best effort: see docs/slack.md) or, with none, a set in the process.
/// </para>
/// </remarks>
public interface ISlackClaimStore
{
    /// <summary>
    /// Claims <paramref name="key"/> for <paramref name="owner"/> when no instance has claimed it yet (atomically, in
    /// stores that can), storing <paramref name="envelope"/> for a takeover.
    /// </summary>
    /// <param name="key">The event id, else the envelope id.</param>
    /// <param name="owner">The claiming instance (<see cref="SlackSocketModeOptions.InstanceId"/>).</param>
    /// <param name="envelope">The envelope's JSON (UTF-8), as Slack sent it.</param>
    /// <param name="lease">How long the claim holds unless renewed.</param>
    /// <param name="expiry">How long the key is remembered at all (then a retry of it would be handled again).</param>
    /// <param name="cancellationToken">Gives up (the store is then taken as unreachable).</param>
    /// <returns>True when the claim is <paramref name="owner"/>'s now; false when the key was already claimed.</returns>
    ValueTask<bool> TryClaimAsync(string key, string owner, ReadOnlyMemory<byte> envelope, TimeSpan lease, TimeSpan expiry, CancellationToken cancellationToken);

    /// <summary>Extends the lease of <paramref name="owner"/>'s running claim on <paramref name="key"/>.</summary>
    /// <returns>False when the claim is no longer <paramref name="owner"/>'s (another instance took it over).</returns>
    ValueTask<bool> RenewAsync(string key, string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Marks <paramref name="owner"/>'s claim on <paramref name="key"/> done, remembered for <paramref name="expiry"/>.
    /// Idempotent: a claim <paramref name="owner"/> already completed is true again (a call that timed out may have
    /// landed).
    /// </summary>
    /// <returns>False when the claim is not <paramref name="owner"/>'s (another instance took it over and may run it too).</returns>
    ValueTask<bool> CompleteAsync(string key, string owner, TimeSpan expiry, CancellationToken cancellationToken);

    /// <summary>
    /// Takes over (for <paramref name="owner"/>, with a new <paramref name="lease"/>) at most <paramref name="max"/>
    /// running claims whose lease ran out, atomically: each is handed to one instance only. A store that cannot list
    /// its claims returns none.
    /// </summary>
    ValueTask<IReadOnlyList<SlackExpiredClaim>> TakeExpiredAsync(string owner, TimeSpan lease, int max, CancellationToken cancellationToken);
}

/// <summary>A claim taken over from an instance that did not finish it: its key and the envelope stored with it.</summary>
/// <param name="Key">The event id, else the envelope id.</param>
/// <param name="Envelope">The envelope's JSON (UTF-8), as <see cref="ISlackClaimStore.TryClaimAsync"/> stored it.</param>
public sealed record SlackExpiredClaim(string Key, ReadOnlyMemory<byte> Envelope);

/// <summary>What a Socket Mode app does with an envelope when its claim store cannot be reached.</summary>
public enum SlackClaimStoreOutage
{
    /// <summary>
    /// Ack and handle it (the default): an event handled twice across the fleet is better than one lost. The keys are
    /// written to the store when it is back, and those another instance handled too are counted
    /// (<c>slackkit.socketmode.claims.outage_duplicates</c>).
    /// </summary>
    Handle,

    /// <summary>
    /// Do not ack it: Slack sends it again (after about 3 s, maybe to another instance) until the store is back or
    /// Slack gives up. No duplicates; an outage longer than Slack's retries loses events.
    /// </summary>
    Refuse,
}
