namespace SlackKit.WebSockets.Generators.Tests;

/// <summary>
/// Handler classes whose generated source is kept as a golden file in Baselines/. Together they cover every callback
/// and every accepted signature shape.
/// </summary>
public static class HandlerCases
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        // The README's example.
        ["EchoBot"] = """
            using SlackKit.WebSockets;

            namespace Samples;

            [WebSocketHandler]
            public partial class EchoBot
            {
                [OnConnect] void Connected() { }
                [OnText] WebSocketFrame Echo(string text) => WebSocketFrame.Text(text);
                [OnDisconnect] DisconnectResult Lost(DisconnectReason reason) => DisconnectResult.Reconnect;
            }
            """,

        // Every synchronous return shape, every input shape, with and without a CancellationToken.
        ["SynchronousShapes"] = """
            using System;
            using System.Threading;
            using SlackKit.WebSockets;

            namespace Samples.Sync;

            [WebSocketHandler]
            internal sealed partial class SyncBot
            {
                [OnInit] void Init() { }
                [OnConnect] WebSocketFrame? Connected(CancellationToken cancellationToken) => null;
                [OnText] HandlerResult Text(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken) => HandlerResult.Ok;
                [OnBinary] WebSocketFrame? Binary(ReadOnlyMemory<byte> data) => WebSocketFrame.Binary(data.ToArray());
                [OnPing] void Ping() { }
                [OnPong] WebSocketFrame Pong(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => WebSocketFrame.Text("pong");
                [OnClose] HandlerResult Close(int? code, string reason) => HandlerResult.Ok;
                [OnInfo] void Info(int number, CancellationToken cancellationToken) { }
                [OnDisconnect] DisconnectResult Disconnected(CancellationToken cancellationToken) => DisconnectResult.Ok;
                [OnTerminate] void Terminated() { }
            }
            """,

        // Every Task and ValueTask return shape.
        ["AsynchronousShapes"] = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using SlackKit.WebSockets;

            namespace Samples.Async;

            [WebSocketHandler]
            public partial class AsyncBot
            {
                [OnInit] InitResult Init() => InitResult.Once;
                [OnConnect] Task Connected(CancellationToken cancellationToken) => Task.CompletedTask;
                [OnText] ValueTask Text(string text, CancellationToken cancellationToken) => ValueTask.CompletedTask;
                [OnBinary] Task<HandlerResult> Binary(ReadOnlyMemory<byte> data) => Task.FromResult(HandlerResult.Ok);
                [OnPing] ValueTask<HandlerResult> Ping(ReadOnlyMemory<byte> payload) => new(HandlerResult.Ok);
                [OnPong] Task<WebSocketFrame?> Pong() => Task.FromResult<WebSocketFrame?>(null);
                [OnClose] ValueTask<WebSocketFrame?> Close(int code, string reason, CancellationToken cancellationToken) => new((WebSocketFrame?)null);
                [OnInfo] Task<WebSocketFrame> Info(string note) => Task.FromResult(WebSocketFrame.Text(note));
                [OnInfo] ValueTask<WebSocketFrame> Info(Version version) => new(WebSocketFrame.Text(version.ToString()));
                [OnDisconnect] Task<DisconnectResult> Disconnected(DisconnectReason reason, CancellationToken cancellationToken) => Task.FromResult(DisconnectResult.Reconnect);
                [OnTerminate] Task Terminated(TerminateReason reason) => Task.CompletedTask;
            }

            [WebSocketHandler]
            public partial class ValueTaskLifecycleBot
            {
                [OnDisconnect] ValueTask<DisconnectResult> Disconnected() => new(DisconnectResult.Close("done"));
                [OnTerminate] ValueTask Terminated() => ValueTask.CompletedTask;
            }
            """,

        // Several [OnInfo] types: the most derived is tried first, whatever the declaration order.
        ["InfoDispatch"] = """
            using System;
            using SlackKit.WebSockets;

            namespace Samples.Info;

            public interface ICommand { }

            public sealed record Shutdown(string Why) : ICommand;

            [WebSocketHandler]
            public partial class Dispatcher
            {
                [OnInfo] void Anything(object message) { }
                [OnInfo] void Failure(Exception exception) { }
                [OnInfo] HandlerResult BadArgument(ArgumentException exception) => HandlerResult.Close(4000, exception.Message);
                [OnInfo] void Command(ICommand command) { }
                [OnInfo] HandlerResult Stop(Shutdown shutdown) => HandlerResult.Close();
            }
            """,

        // No namespace, nested in partial types of several kinds, sealed, a primary constructor, private handlers.
        ["NestedInGlobalNamespace"] = """
            using SlackKit.WebSockets;

            public partial class Outer
            {
                public partial record struct Middle
                {
                    [WebSocketHandler]
                    private sealed partial class Inner(string greeting)
                    {
                        [OnText] private WebSocketFrame Greet(string name) => WebSocketFrame.Text(greeting + ", " + name);
                    }
                }
            }
            """,

        // Frame handlers that take nothing but the token, or nothing at all.
        ["ParameterlessHandlers"] = """
            using System.Threading;
            using System.Threading.Tasks;
            using SlackKit.WebSockets;

            namespace Samples;

            [WebSocketHandler]
            public partial class Quiet
            {
                [OnClose] void Closed() { }
                [OnPing] ValueTask Pinged(CancellationToken cancellationToken) => ValueTask.CompletedTask;
                [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Ok;
            }
            """,

        // Methods that take the client (issue 11, point 2): to send while the handler runs, then do slow work.
        ["ClientParameter"] = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using SlackKit.WebSockets;

            namespace Samples;

            [WebSocketHandler]
            public partial class Acknowledger
            {
                [OnConnect] void Connected(WebSocketClient client) => client.Cast(WebSocketFrame.Text("hello"));
                [OnText] async Task Text(string text, WebSocketClient client, CancellationToken cancellationToken)
                {
                    await client.SendAsync(WebSocketFrame.Text("ack " + text), cancellationToken);
                    await Task.Delay(1, cancellationToken);
                }
                [OnBinary] WebSocketFrame? Binary(ReadOnlyMemory<byte> data, WebSocketClient client) => client.Cast(WebSocketFrame.Binary(data.ToArray())) ? null : WebSocketFrame.Text("full");
                [OnInfo] void Info(string note, WebSocketClient client) => client.Cast(WebSocketFrame.Text(note));
                [OnDisconnect] DisconnectResult Lost(DisconnectReason reason, WebSocketClient client, CancellationToken cancellationToken) => DisconnectResult.Reconnect;
            }
            """,

        // A handler with no methods: every callback falls back to the contract's default.
        ["NoCallbacks"] = """
            using SlackKit.WebSockets;

            namespace Samples;

            [WebSocketHandler]
            public partial class Silent
            {
            }
            """,
    };

    public static TheoryData<string> Names() => new(All.Keys);
}
