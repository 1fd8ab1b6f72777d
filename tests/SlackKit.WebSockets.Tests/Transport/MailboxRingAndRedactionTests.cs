using SlackKit.WebSockets.Internal;

namespace SlackKit.WebSockets.Tests.Transport;

/// <summary>Issue 14, points 9 and 10 in the small: a mailbox ring that lets a burst go, and what is printed of a URL or a peer's text.</summary>
public class MailboxRingAndRedactionTests
{
    [Fact]
    public void A_ring_that_grew_in_a_burst_is_let_go_once_the_queue_is_empty_and_a_small_one_is_kept()
    {
        // Observed through what writing costs afterwards: a ring that was let go must grow again (allocates), a kept
        // one takes the next burst of its size without allocating.
        var queue = new SingleReaderQueue<int>();
        Burst(queue, 100_000);
        long afterLargeBurst = AllocatedWriting(queue, 40);
        Drain(queue);
        long afterSmallBurst = AllocatedWriting(queue, 40);

        Assert.True(afterLargeBurst > 0, "the 100,000-item ring was kept after the queue emptied");
        Assert.Equal(0, afterSmallBurst); // the 64-slot ring (within KeptCapacity) was kept for the next burst
    }

    private static void Burst(SingleReaderQueue<int> queue, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.True(queue.TryWrite(i));
        }

        for (int i = 0; i < count; i++)
        {
            Assert.True(queue.TryRead(out int item));
            Assert.Equal(i, item);
        }

        Assert.False(queue.TryRead(out _));
    }

    private static long AllocatedWriting(SingleReaderQueue<int> queue, int count)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
        {
            queue.TryWrite(i);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void Drain(SingleReaderQueue<int> queue)
    {
        while (queue.TryRead(out _))
        {
        }
    }

    [Theory]
    [InlineData("wss://user:pa55word@example.org:8443/link/?ticket=SECRET#frag", "wss://example.org:8443/link/")]
    [InlineData("ws://example.org/x?token=abc", "ws://example.org/x")]
    public void A_URL_is_printed_without_user_info_query_or_fragment(string url, string expected)
    {
        Assert.Equal(expected, Redaction.Url(new Uri(url)));
    }

    [Theory]
    [InlineData("ftp://user:pa55word@example.org/x#SECRET", "ftp://example.org/x#…")]
    [InlineData("not a url ?token=abc", "not a url ?…")]
    [InlineData("//user:pw@host/p", "//host/p")]
    [InlineData("", "")]
    public void A_URL_that_does_not_parse_is_cut_before_its_query_fragment_and_user_info_all_the_same(string url, string expected)
    {
        Assert.Equal(expected, Redaction.Url(url));
    }

    [Fact]
    public void The_peers_text_is_printed_with_its_control_characters_escaped()
    {
        Assert.Equal("bye\\r\\nFAKE: injected\\u001B[31m", Redaction.Escape("bye\r\nFAKE: injected\u001b[31m"));
        Assert.Equal("plain", Redaction.Escape("plain"));
    }
}
