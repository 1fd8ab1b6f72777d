using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace SlackKit.WebSockets.Benchmarks;

/// <summary>
/// Where the allocations are: the runtime's GC AllocationTick events (one per ~100 KB allocated, with the type that
/// crossed the line), counted by type. For finding what a contender allocates per message, not for the tables.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, int> _ticks = new();
    private volatile bool _counting;

    /// <summary>Ticks are counted only while this is set (after a warm-up).</summary>
    public bool Counting
    {
        get => _counting;
        set => _counting = value;
    }

    public IEnumerable<(string Type, int Ticks)> Top(int count) =>
        _ticks.OrderByDescending(t => t.Value).Take(count).Select(t => (t.Key, t.Value));

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (_counting && e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && e.Payload is { } payload)
        {
            int index = e.PayloadNames!.IndexOf("TypeName");
            if (index >= 0 && payload[index] is string type)
            {
                // An array's size says which one it is (a receive buffer, a batch, a pool's own array).
                int size = e.PayloadNames!.IndexOf("ObjectSize");
                if (type.EndsWith("[]", StringComparison.Ordinal) && size >= 0)
                {
                    type += $" ({payload[size]} B)";
                }

                _ticks.AddOrUpdate(type, 1, (_, n) => n + 1);
            }
        }
    }
}
