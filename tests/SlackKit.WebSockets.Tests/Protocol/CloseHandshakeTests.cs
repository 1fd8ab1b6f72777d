using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Tests.Protocol;

/// <summary>The close handshake's one state, with no socket: who began it, when it is complete, and the first cause wins.</summary>
public class CloseHandshakeTests
{
    private static DisconnectReason Failure() => DisconnectReason.TransportError(new IOException("reset"));

    [Fact]
    public void Row6_our_close_then_the_peers_answer_is_a_local_close_with_our_code()
    {
        var handshake = new CloseHandshake();
        Assert.True(handshake.TryBeginLocal(4000, "bye", cause: null, dropUnhandled: true));
        Assert.False(handshake.TryBeginLocal(1000, null, cause: null, dropUnhandled: true)); // once
        Assert.False(handshake.OnRemoteClose(4000, "ok")); // the answer: nothing to answer back
        Assert.False(handshake.IsComplete);
        handshake.OnLocalWritten();

        Assert.True(handshake.IsComplete);
        Assert.True(handshake.DropsUnhandled);
        DisconnectReason reason = handshake.GetReason(Failure);
        Assert.Equal((DisconnectKind.LocalClose, (int?)4000, "bye"), (reason.Kind, reason.CloseCode, reason.CloseReason));
    }

    [Fact]
    public void Row5_the_peers_close_is_answered_once_with_its_code_and_is_a_remote_close()
    {
        var handshake = new CloseHandshake();
        Assert.True(handshake.OnRemoteClose(4001, "server says bye"));
        WebSocketFrame? answer = handshake.TryAnswer();
        Assert.Null(handshake.TryAnswer());
        handshake.OnLocalWritten();

        Assert.Equal(4001, answer!.Value.CloseCode);
        Assert.Equal(string.Empty, answer.Value.CloseReason);
        Assert.True(handshake.IsComplete);
        Assert.False(handshake.DropsUnhandled);
        DisconnectReason reason = handshake.GetReason(Failure);
        Assert.Equal((DisconnectKind.RemoteClose, (int?)4001, "server says bye"), (reason.Kind, reason.CloseCode, reason.CloseReason));
    }

    [Fact]
    public void When_both_ends_close_at_once_there_is_nothing_to_answer_and_we_began_it()
    {
        var handshake = new CloseHandshake();
        handshake.TryBeginLocal(1000, null, cause: null, dropUnhandled: true);
        Assert.False(handshake.OnRemoteClose(1000, string.Empty));
        Assert.Null(handshake.TryAnswer());
        Assert.Equal(DisconnectKind.LocalClose, handshake.GetReason(Failure).Kind);
    }

    [Fact]
    public void The_first_cause_wins_over_any_later_one_and_over_the_close_frames()
    {
        var handshake = new CloseHandshake();
        DisconnectReason first = DisconnectReason.ProtocolError("the peer closed with the invalid code 1005; closed with 1002", 1002);
        Assert.True(handshake.TrySetCause(first));
        Assert.False(handshake.TrySetCause(DisconnectReason.KeepAliveTimeout(TimeSpan.FromSeconds(1))));
        handshake.TryBeginLocal(1002, null, DisconnectReason.HandlerFailure(new InvalidOperationException()), dropUnhandled: false);
        handshake.OnRemoteClose(1002, "you said 1002");

        Assert.Same(first, handshake.GetReason(Failure));
    }

    [Fact]
    public void With_no_close_and_no_cause_the_reason_is_the_failure_that_ended_the_connection()
    {
        Assert.Equal(DisconnectKind.TransportError, new CloseHandshake().GetReason(Failure).Kind);
    }
}
