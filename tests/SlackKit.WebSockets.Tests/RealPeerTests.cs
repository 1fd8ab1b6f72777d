using System.Text;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>
/// Real peers out of process on 127.0.0.1: Node's ws and Python's websockets. Each test runs against both and
/// asserts what the handler saw and what the peer saw (the peer reports what it received as text messages).
/// </summary>
public partial class RealPeerTests
{
    public static TheoryData<string> Peers() => new("node", "python");

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Row3_text_and_binary_of_5_150_and_76800_bytes_round_trip(string kind)
    {
        var recorder = new Recorder();
        await using PeerProcess peer = await PeerProcess.StartAsync(kind);
        var handler = new PeerHandler(recorder);
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await recorder.WaitForAsync("connect");
        int[] sizes = [5, 150, 76_800];

        foreach (int size in sizes)
        {
            Assert.True(client.Cast(WebSocketFrame.Text(new string((char)('a' + (size % 26)), size))));
            byte[] data = new byte[size];
            new Random(size).NextBytes(data);
            Assert.True(client.Cast(WebSocketFrame.Binary(data)));
        }

        string[] events = await recorder.WaitForAsync(e => e.Count(x => x.StartsWith("text:", StringComparison.Ordinal) || x.StartsWith("binary:", StringComparison.Ordinal)) == 6, "six echoes");
        string[] expected = [.. sizes.SelectMany(size =>
        {
            byte[] data = new byte[size];
            new Random(size).NextBytes(data);
            return new[] { "text:" + new string((char)('a' + (size % 26)), size), "binary:" + Convert.ToHexString(data) };
        })];
        Assert.Equal(expected, events.Where(e => e.StartsWith("text:", StringComparison.Ordinal) || e.StartsWith("binary:", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Row4_a_server_ping_with_a_payload_reaches_OnPing_and_the_peer_sees_the_matching_pong(string kind)
    {
        var recorder = new Recorder();
        await using PeerProcess peer = await PeerProcess.StartAsync(kind);
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new PeerHandler(recorder));
        await recorder.WaitForAsync("connect");

        client.Cast(WebSocketFrame.Text("ping:from the " + kind + " peer"));

        await recorder.WaitForAsync("ping:from the " + kind + " peer");
        await recorder.WaitForAsync("text:pong-seen:from the " + kind + " peer");
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Row4_Cast_of_a_ping_is_seen_by_the_peer_as_a_ping_with_that_payload_and_its_pong_reaches_OnPong(string kind)
    {
        var recorder = new Recorder();
        await using PeerProcess peer = await PeerProcess.StartAsync(kind);
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new PeerHandler(recorder));
        await recorder.WaitForAsync("connect");

        Assert.True(client.Cast(WebSocketFrame.Ping(Encoding.UTF8.GetBytes("probe ✓"))));

        await recorder.WaitForAsync("text:ping-seen:probe ✓");
        await recorder.WaitForAsync("pong:probe ✓");
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Row5_a_server_close_with_a_code_and_reason_reaches_OnClose_and_OnDisconnect(string kind)
    {
        var recorder = new Recorder();
        await using PeerProcess peer = await PeerProcess.StartAsync(kind);
        var handler = new PeerHandler(recorder);
        WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await recorder.WaitForAsync("connect");

        client.Cast(WebSocketFrame.Text("close:4002:bye now"));
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Contains("close:4002:bye now", recorder.Events);
        Assert.Equal("disconnect:RemoteClose:4002:bye now", recorder.Events.Single(e => e.StartsWith("disconnect:", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Row8_a_server_that_restarts_is_reconnected_and_OnConnect_runs_again(string kind)
    {
        var recorder = new Recorder();
        PeerProcess peer = await PeerProcess.StartAsync(kind);
        int port = peer.Port;
        var handler = new PeerHandler(recorder) { Reconnect = true };
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler,
            new WebSocketClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) });
        await recorder.WaitForAsync("connect");

        await peer.KillAsync();
        await recorder.WaitForPrefixAsync("disconnect:");
        await using PeerProcess restarted = await PeerProcess.StartAsync(kind, port);
        await recorder.WaitForAsync(e => e.Count(x => x == "connect") == 2, "a second OnConnect");
        client.Cast(WebSocketFrame.Text("after the restart"));

        await recorder.WaitForAsync("text:after the restart");
        Assert.Equal(WebSocketClientState.Connected, client.State);
    }

    [WebSocketHandler]
    private sealed partial class PeerHandler(Recorder recorder)
    {
        /// <summary>Whether to reconnect (with backoff) after a disconnect, or end the client.</summary>
        public bool Reconnect { get; init; }

        [OnConnect] void Connected() => recorder.Add("connect");

        [OnText] void Text(string text) => recorder.Add("text:" + text);

        [OnBinary] void Binary(ReadOnlyMemory<byte> data) => recorder.Add("binary:" + Convert.ToHexString(data.Span));

        [OnPing] void Ping(ReadOnlyMemory<byte> payload) => recorder.Add("ping:" + Encoding.UTF8.GetString(payload.Span));

        [OnPong] void Pong(ReadOnlyMemory<byte> payload) => recorder.Add("pong:" + Encoding.UTF8.GetString(payload.Span));

        [OnClose] void Close(int? code, string reason) => recorder.Add($"close:{code}:{reason}");

        [OnDisconnect]
        DisconnectResult Lost(DisconnectReason reason)
        {
            recorder.Add($"disconnect:{reason.Kind}:{reason.CloseCode}:{reason.CloseReason}");
            return Reconnect ? DisconnectResult.Reconnect : DisconnectResult.Close("test over");
        }
    }
}
