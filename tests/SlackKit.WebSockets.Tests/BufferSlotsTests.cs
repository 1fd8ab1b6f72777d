using SlackKit.WebSockets.Internal;

namespace SlackKit.WebSockets.Tests;

/// <summary>The writers' shared batch buffers: reused across threads, never handed to two takers at once, bounded.</summary>
public class BufferSlotsTests
{
    [Fact]
    public void A_buffer_given_back_is_the_next_one_taken_and_at_most_the_slot_count_is_kept()
    {
        var slots = new BufferSlots(bufferSize: 16, slots: 2);
        byte[] a = slots.Rent();
        byte[] b = slots.Rent();
        byte[] c = slots.Rent();
        Assert.Equal(16, a.Length);
        Assert.False(ReferenceEquals(a, b) || ReferenceEquals(b, c) || ReferenceEquals(a, c));

        slots.Return(a);
        slots.Return(b);
        slots.Return(c); // no slot left: dropped

        byte[][] again = [slots.Rent(), slots.Rent(), slots.Rent()];
        Assert.Contains(again, x => ReferenceEquals(x, a));
        Assert.Contains(again, x => ReferenceEquals(x, b));
        Assert.DoesNotContain(again, x => ReferenceEquals(x, c));
    }

    [Fact]
    public async Task Takers_on_many_threads_never_share_a_buffer()
    {
        var slots = new BufferSlots(bufferSize: 64, slots: 4);
        int conflicts = 0;
        await Task.WhenAll(Enumerable.Range(1, 8).Select(id => Task.Run(() =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                byte[] buffer = slots.Rent();
                buffer.AsSpan().Fill((byte)id);
                Thread.SpinWait(10); // hold it a moment, as a writer does
                if (buffer.AsSpan().IndexOfAnyExcept((byte)id) >= 0)
                {
                    Interlocked.Increment(ref conflicts);
                }

                slots.Return(buffer);
            }
        })));

        Assert.Equal(0, conflicts);
    }
}
