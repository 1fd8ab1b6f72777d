using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SlackKit.SocketMode.Internal;

namespace SlackKit.SocketMode.Claims;

/// <summary>What became of a claim.</summary>
internal enum ClaimOutcome
{
    /// <summary>This instance handles it.</summary>
    Ours,

    /// <summary>Already taken, here or by another instance: ack and drop.</summary>
    Taken,

    /// <summary>The store cannot be reached and the policy is to handle anyway: ack and handle.</summary>
    OursWithoutStore,

    /// <summary>The store cannot be reached and the policy is to refuse: do not ack (Slack sends it again).</summary>
    Refused,
}

/// <summary>
/// Decides which envelopes this instance handles: the process's own <see cref="Deduper"/> first (a retry on another of
/// its connections never leaves the process), then, with a shared <see cref="ISlackClaimStore"/>, a claim in the store
/// that is renewed while the handler runs and completed after it. Also takes over other instances' expired claims, and
/// rides out store outages by <see cref="SlackSocketModeOptions.WhenClaimStoreUnavailable"/>.
/// </summary>
/// <remarks>
/// Thread-safe. Every connection's mailbox claims, handlers complete from the thread pool, and one timer (every
/// <see cref="Tick"/>) renews, sweeps and probes: <see cref="_running"/> (this instance's store claims not yet completed,
/// with when each was last renewed) and <see cref="_backlog"/> (what the store must be told once it is back) are
/// concurrent collections; <see cref="_outageSince"/> is 0 while the store answers, else when it stopped (timestamp),
/// and is moved by Interlocked; <see cref="_ticking"/> keeps two ticks from overlapping.
/// </remarks>
internal sealed class ClaimCoordinator : IAsyncDisposable
{
    /// <summary>How long a store call may take before the store is taken as unreachable (Slack wants the ack in 3 s).</summary>
    internal static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How long the timer's period is at most: how soon an outage's end is noticed.</summary>
    internal static readonly TimeSpan MaxTick = TimeSpan.FromSeconds(1);

    /// <summary>How many expired claims one sweep takes over at most.</summary>
    internal const int SweepBatch = 64;

    private readonly ISlackClaimStore? _store;
    private readonly SlackSocketModeOptions _options;
    private readonly ILogger _logger;
    private readonly Action<SlackExpiredClaim> _takeOver;
    private readonly Deduper _local;
    private readonly ConcurrentDictionary<string, long> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Pending> _backlog = new();
    private readonly ITimer? _timer;
    private volatile bool _disposed;
    private volatile bool _stopping;
    private long _outageSince;
    private int _ticking;
    private int _handledWithoutStore;
    private int _outageDuplicates;

    /// <param name="store">The shared store; null: this process is the whole app, the <see cref="Deduper"/> decides alone.</param>
    /// <param name="options">Lease, expiry, outage policy, instance id, capacity of the in-process set, clock.</param>
    /// <param name="logger">Where outages and takeovers are logged.</param>
    /// <param name="takeOver">Runs the handler of a claim taken over from an instance that did not finish it.</param>
    public ClaimCoordinator(ISlackClaimStore? store, SlackSocketModeOptions options, ILogger logger, Action<SlackExpiredClaim> takeOver)
    {
        _store = store;
        _options = options;
        _logger = logger;
        _takeOver = takeOver;
        _local = new Deduper(options.DedupeCapacity);
        if (store is not null)
        {
            TimeSpan tick = Tick;
            _timer = options.TimeProvider.CreateTimer(static s => _ = ((ClaimCoordinator)s!).OnTickAsync(), this, tick, tick);
        }
    }

    /// <summary>Whether claims go to a shared store too (the in-process set decides alone otherwise).</summary>
    public bool Shared => _store is not null;

    /// <summary>The timer's period: a third of the lease, at most <see cref="MaxTick"/>.</summary>
    internal TimeSpan Tick => TimeSpan.FromTicks(Math.Min(_options.ClaimLease.Ticks / 3, MaxTick.Ticks));

    /// <summary>Claims not yet completed by this instance.</summary>
    internal int Running => _running.Count;

    /// <summary>Whether the store is taken as unreachable now.</summary>
    internal bool InOutage => Interlocked.Read(ref _outageSince) != 0;

    /// <summary>The in-process claim alone (no store): true when this is the first time the key is seen.</summary>
    public bool TryClaimLocally(string key) => _local.TryClaim(key);

    /// <summary>Claims <paramref name="key"/> in the process, then in the shared store, storing <paramref name="envelope"/> there.</summary>
    public ValueTask<ClaimOutcome> ClaimAsync(string key, byte[] envelope) =>
        !_local.TryClaim(key) ? new(ClaimOutcome.Taken)
        : _store is null ? new(ClaimOutcome.Ours)
        : new(ClaimInStoreAsync(key, envelope));

    /// <summary>
    /// Claims <paramref name="key"/>, already claimed in the process (<see cref="TryClaimLocally"/>), in the shared
    /// store: <see cref="ClaimOutcome.Ours"/>, <see cref="ClaimOutcome.Taken"/> by another instance, or what the
    /// outage policy says when the store cannot be reached. Never throws.
    /// </summary>
    public async Task<ClaimOutcome> ClaimInStoreAsync(string key, byte[] envelope)
    {
        if (_store is null)
        {
            return ClaimOutcome.Ours;
        }

        if (InOutage)
        {
            return WithoutStore(key);
        }

        try
        {
            using CancellationTokenSource timeout = StoreDeadline();
            if (await _store.TryClaimAsync(key, _options.InstanceId, envelope, _options.ClaimLease, _options.ClaimExpiry, timeout.Token).ConfigureAwait(false))
            {
                _running[key] = _options.TimeProvider.GetTimestamp();
                return ClaimOutcome.Ours;
            }

            return ClaimOutcome.Taken;
        }
        catch (Exception ex)
        {
            EnterOutage(ex);
            return WithoutStore(key);
        }
    }

    /// <summary>
    /// The handler of <paramref name="key"/> finished (or threw): the claim is completed in the store (or, in an outage,
    /// once the store is back). Never throws.
    /// </summary>
    public ValueTask CompleteAsync(string key)
    {
        if (_store is null || !_running.TryRemove(key, out _))
        {
            return default; // no store, or handled without it (its backlog entry records it)
        }

        if (InOutage)
        {
            _backlog.Enqueue(new Pending(key, Handled: false));
            return default;
        }

        return new ValueTask(CompleteInStoreAsync(key));
    }

    /// <summary>
    /// Gives up <paramref name="key"/> without completing it: its handler was cancelled by a stop that would not wait
    /// any longer. Its lease runs out, and another instance takes it over.
    /// </summary>
    public void Abandon(string key) => _running.TryRemove(key, out _);

    /// <summary>The app stops: no more claims of other instances are taken over here.</summary>
    public void StopTakingOver() => _stopping = true;

    private async Task CompleteInStoreAsync(string key)
    {
        try
        {
            using CancellationTokenSource timeout = StoreDeadline();
            if (!await _store!.CompleteAsync(key, _options.InstanceId, _options.ClaimExpiry, timeout.Token).ConfigureAwait(false))
            {
                Lost(key);
            }
        }
        catch (Exception ex)
        {
            _backlog.Enqueue(new Pending(key, Handled: false));
            EnterOutage(ex);
        }
    }

    /// <summary>One store call's deadline: <see cref="StoreTimeout"/>, on the options' clock (as every wait of the client).</summary>
    private CancellationTokenSource StoreDeadline() => new(StoreTimeout, _options.TimeProvider);

    private void Lost(string key)
    {
        SocketModeMetrics.ClaimsLost.Add(1);
        Log.ClaimLost(_logger, key, _options.InstanceId);
    }

    private ClaimOutcome WithoutStore(string key)
    {
        if (_options.WhenClaimStoreUnavailable == SlackClaimStoreOutage.Refuse)
        {
            _local.Forget(key); // Slack sends it again: then it is claimed anew
            SocketModeMetrics.ClaimStoreUnavailable.Add(1, SocketModeMetrics.Refused);
            return ClaimOutcome.Refused;
        }

        SocketModeMetrics.ClaimStoreUnavailable.Add(1, SocketModeMetrics.HandledAnyway);
        Interlocked.Increment(ref _handledWithoutStore);
        _backlog.Enqueue(new Pending(key, Handled: true));
        return ClaimOutcome.OursWithoutStore;
    }

    private void EnterOutage(Exception ex)
    {
        if (Interlocked.CompareExchange(ref _outageSince, _options.TimeProvider.GetTimestamp() | 1, 0) == 0)
        {
            Log.ClaimStoreUnavailable(_logger, ex.GetType().Name, ex.Message, _options.WhenClaimStoreUnavailable, ex);
        }
    }

    /// <summary>Every <see cref="Tick"/>: out of an outage when the store answers again; else renews and sweeps.</summary>
    internal async Task OnTickAsync()
    {
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        try
        {
            if (InOutage && !await DrainBacklogAsync().ConfigureAwait(false))
            {
                return; // still out
            }

            await RenewAsync().ConfigureAwait(false);
            await SweepAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_disposed)
        {
            EnterOutage(ex);
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    /// <summary>Tells the store what happened while it was out; true when it answered all of it (the outage is over).</summary>
    private async Task<bool> DrainBacklogAsync()
    {
        while (_backlog.TryPeek(out Pending pending))
        {
            using CancellationTokenSource timeout = StoreDeadline();
            try
            {
                if (pending.Handled)
                {
                    // Handled here without a claim: recorded as done now, unless another instance claimed it meanwhile.
                    // Completed first: a claim of ours that timed out here may have reached the store after all.
                    if (!await _store!.CompleteAsync(pending.Key, _options.InstanceId, _options.ClaimExpiry, timeout.Token).ConfigureAwait(false))
                    {
                        if (await _store.TryClaimAsync(pending.Key, _options.InstanceId, ReadOnlyMemory<byte>.Empty, _options.ClaimLease, _options.ClaimExpiry, timeout.Token).ConfigureAwait(false))
                        {
                            await _store.CompleteAsync(pending.Key, _options.InstanceId, _options.ClaimExpiry, timeout.Token).ConfigureAwait(false);
                        }
                        else
                        {
                            Interlocked.Increment(ref _outageDuplicates);
                            SocketModeMetrics.OutageDuplicates.Add(1);
                            Log.OutageDuplicate(_logger, pending.Key);
                        }
                    }
                }
                else if (!await _store!.CompleteAsync(pending.Key, _options.InstanceId, _options.ClaimExpiry, timeout.Token).ConfigureAwait(false))
                {
                    Lost(pending.Key);
                }
            }
            catch (Exception) when (!_disposed)
            {
                return false; // still out: tried again next tick
            }

            _backlog.TryDequeue(out _);
        }

        long since = Interlocked.Exchange(ref _outageSince, 0);
        if (since != 0)
        {
            Log.ClaimStoreBack(_logger, _options.TimeProvider.GetElapsedTime(since).TotalSeconds,
                Interlocked.Exchange(ref _handledWithoutStore, 0), Interlocked.Exchange(ref _outageDuplicates, 0));
        }

        return true;
    }

    private async Task RenewAsync()
    {
        // Renewed at the first tick after it is a third of the lease old, less half a tick: at most about a third of
        // the lease and half a tick (plus a late tick) since it was last renewed, far from its lease; and at a 30 s
        // lease, a claim is renewed only when its handler runs (or waits) for more than 9.5 s.
        long now = _options.TimeProvider.GetTimestamp();
        TimeSpan due = (_options.ClaimLease / 3) - (Tick / 2);
        List<Task>? renewals = null;
        foreach (KeyValuePair<string, long> claim in _running)
        {
            if (_options.TimeProvider.GetElapsedTime(claim.Value, now) >= due)
            {
                (renewals ??= []).Add(RenewOneAsync(claim.Key, claim.Value, now));
            }
        }

        if (renewals is not null)
        {
            await Task.WhenAll(renewals).ConfigureAwait(false);
        }
    }

    private async Task RenewOneAsync(string key, long renewedAt, long now)
    {
        using CancellationTokenSource timeout = StoreDeadline();
        if (await _store!.RenewAsync(key, _options.InstanceId, _options.ClaimLease, timeout.Token).ConfigureAwait(false))
        {
            _running.TryUpdate(key, now, renewedAt); // unless it was completed (or taken over and claimed again) meanwhile
        }
        else if (_running.TryRemove(key, out _))
        {
            Lost(key); // taken over meanwhile: the handler here runs on, the other instance's too
        }
    }

    private async Task SweepAsync()
    {
        if (_stopping)
        {
            return;
        }

        using CancellationTokenSource timeout = StoreDeadline();
        IReadOnlyList<SlackExpiredClaim> expired = await _store!.TakeExpiredAsync(_options.InstanceId, _options.ClaimLease, SweepBatch, timeout.Token).ConfigureAwait(false);
        foreach (SlackExpiredClaim claim in expired)
        {
            _local.TryClaim(claim.Key); // its retries, should any come here, are dropped
            _running[claim.Key] = _options.TimeProvider.GetTimestamp();
            SocketModeMetrics.ClaimsTakenOver.Add(1);
            Log.TookOver(_logger, claim.Key, _options.InstanceId);
            _takeOver(claim);
        }
    }

    /// <summary>
    /// Stops the timer, after one last try to tell the store what happened during an outage (claims not completed by
    /// now expire in the store, and another instance takes them over).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _timer?.Dispose();
        if (_store is not null && !_backlog.IsEmpty && Interlocked.Exchange(ref _ticking, 1) == 0)
        {
            try
            {
                await DrainBacklogAsync().ConfigureAwait(false); // gives up at the first call that fails
            }
            catch (Exception)
            {
                // The store is out: what it was not told expires there.
            }
        }

        _disposed = true;
    }

    /// <summary>What the store must learn when it is back: a key handled without a claim, or a claim to complete.</summary>
    private readonly record struct Pending(string Key, bool Handled);
}
