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
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && e.Payload is { } payload)
        {
            int index = e.PayloadNames!.IndexOf("TypeName");
            if (index >= 0 && payload[index] is string type)
            {
                _ticks.AddOrUpdate(type, 1, (_, n) => n + 1);
            }
        }
    }
}
