using SlackKit.WebSockets.Internal;

namespace SlackKit.WebSockets.Tests.Transport;

/// <summary>Issue 14, points 9 and 10 in the small: a mailbox ring that lets a burst go, and what is printed of a URL or a peer's text.</summary>
public class MailboxRingAndRedactionTests
{
    [Fact]
    public void A_ring_that_grew_in_a_burst_is_let_go_once_the_queue_is_empty_and_a_small_one_is_kept()
    {
        var queue = new SingleReaderQueue<int>();
        for (int i = 0; i < 100_000; i++)
        {
            queue.TryWrite(i);
        }

        Assert.True(queue.Capacity >= 100_000);
        for (int i = 0; i < 100_000; i++)
        {
            Assert.True(queue.TryRead(out int item));
            Assert.Equal(i, item);
        }

        Assert.Equal(1, queue.Capacity);
        for (int i = 0; i < 40; i++)
        {
            queue.TryWrite(i);
        }

        while (queue.TryRead(out _))
        {
        }

        Assert.Equal(64, queue.Capacity); // within KeptCapacity: kept for the next burst
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
