using System.Collections.Concurrent;

namespace SlackKit.SocketMode.Tests.Infrastructure;

/// <summary>
/// An <see cref="ISlackClaimStore"/> in memory, shared by the "instances" of a test: atomic (one lock), with leases a
/// test expires by hand (<see cref="Expire"/>), and an outage a test switches on (<see cref="Down"/>: every call throws).
/// </summary>
public sealed class MemoryClaimStore : ISlackClaimStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (string State, byte[] Envelope, bool Expired)> _claims = new(StringComparer.Ordinal);

    public volatile bool Down;

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>The key's state: <c>R|owner</c>, <c>D|owner</c>, or null.</summary>
    public string? State(string key)
    {
        lock (_gate)
        {
            return _claims.TryGetValue(key, out var claim) ? claim.State : null;
        }
    }

    /// <summary>Puts a running claim of <paramref name="owner"/> whose lease has run out (its instance died).</summary>
    public void PutExpired(string key, string owner, byte[] envelope)
    {
        lock (_gate)
        {
            _claims[key] = ("R|" + owner, envelope, true);
        }
    }

    /// <summary>Lets the lease of <paramref name="key"/> run out.</summary>
    public void Expire(string key)
    {
        lock (_gate)
        {
            _claims[key] = _claims[key] with { Expired = true };
        }
    }

    public ValueTask<bool> TryClaimAsync(string key, string owner, ReadOnlyMemory<byte> envelope, TimeSpan lease, TimeSpan expiry, CancellationToken cancellationToken)
    {
        Call($"claim {key} {owner}");
        lock (_gate)
        {
            return new(_claims.TryAdd(key, ("R|" + owner, envelope.ToArray(), false)));
        }
    }

    public ValueTask<bool> RenewAsync(string key, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        Call($"renew {key} {owner}");
        lock (_gate)
        {
            if (_claims.TryGetValue(key, out var claim) && claim.State == "R|" + owner)
            {
                _claims[key] = claim with { Expired = false };
                return new(true);
            }

            return new(false);
        }
    }

    public ValueTask<bool> CompleteAsync(string key, string owner, TimeSpan expiry, CancellationToken cancellationToken)
    {
        Call($"complete {key} {owner}");
        lock (_gate)
        {
            if (_claims.TryGetValue(key, out var claim) && claim.State == "R|" + owner)
            {
                _claims[key] = ("D|" + owner, [], false);
                return new(true);
            }

            return new(claim.State == "D|" + owner);
        }
    }

    public ValueTask<IReadOnlyList<SlackExpiredClaim>> TakeExpiredAsync(string owner, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        Call($"sweep {owner}");
        var taken = new List<SlackExpiredClaim>();
        lock (_gate)
        {
            foreach (var (key, claim) in _claims.ToArray())
            {
                if (claim.Expired && claim.State.StartsWith("R|", StringComparison.Ordinal) && taken.Count < max)
                {
                    _claims[key] = ("R|" + owner, claim.Envelope, false);
                    taken.Add(new SlackExpiredClaim(key, claim.Envelope));
                }
            }
        }

        return new(taken);
    }

    private void Call(string what)
    {
        if (Down)
        {
            throw new IOException($"the claim store is down ({what})");
        }

        Calls.Enqueue(what);
    }
}
