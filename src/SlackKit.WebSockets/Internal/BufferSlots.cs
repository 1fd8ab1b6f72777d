namespace SlackKit.WebSockets.Internal;

/// <summary>
/// A handful of same-sized buffers shared by every connection in the process: taken and given back from any thread
/// without allocating and without per-thread caches. <see cref="System.Buffers.ArrayPool{T}.Shared"/> keeps an array per
/// thread first, so a buffer taken on one pool thread and given back on another (a writer that resumes where its
/// socket write completed) misses now and then, and a miss of a 16 KiB buffer is a 16 KiB allocation. At most
/// <c>slots</c> buffers are kept; more are left to the GC.
/// </summary>
internal sealed class BufferSlots(int bufferSize, int slots)
{
    private readonly byte[]?[] _slots = new byte[]?[slots];

    /// <summary>The buffers the connections' writers gather frames in: two per core, at most eight (512 KiB) kept.</summary>
    public static BufferSlots Batches { get; } = new(64 * 1024, Math.Min(2 * Environment.ProcessorCount, 8));

    public int BufferSize => bufferSize;

    public byte[] Rent()
    {
        byte[]?[] all = _slots;
        for (int i = 0; i < all.Length; i++)
        {
            if (Volatile.Read(ref all[i]) is not null && Interlocked.Exchange(ref all[i], null) is { } buffer)
            {
                return buffer;
            }
        }

        return new byte[bufferSize];
    }

    public void Return(byte[] buffer)
    {
        byte[]?[] all = _slots;
        for (int i = 0; i < all.Length; i++)
        {
            if (Volatile.Read(ref all[i]) is null && Interlocked.CompareExchange(ref all[i], buffer, null) is null)
            {
                return;
            }
        }
    }
}
