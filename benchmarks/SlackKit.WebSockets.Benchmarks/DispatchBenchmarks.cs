using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace SlackKit.WebSockets.Benchmarks;

/// <summary>
/// One text, one binary, one ping and one close frame dispatched to their handler methods: the generated
/// IWebSocketHandler, a hand-written switch, and a reflection-based dispatcher (methods found by attribute once,
/// then MethodInfo.Invoke per frame).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 5, iterationCount: 20)]
public class DispatchBenchmarks
{
    private readonly WebSocketFrame[] _frames =
    [
        WebSocketFrame.Text("{\"type\":\"message\",\"text\":\"hello\"}"u8.ToArray()),
        WebSocketFrame.Binary(new byte[64]),
        WebSocketFrame.Ping(new byte[8]),
        WebSocketFrame.Close(1000, "bye"),
    ];

    private readonly IWebSocketHandler _generated = new GeneratedTarget();
    private readonly IWebSocketHandler _handWritten = new HandWrittenTarget();
    private readonly IWebSocketHandler _explicit = new ExplicitHandWrittenTarget();
    private readonly IWebSocketHandler _inlined = new InlinedBodiesTarget();
    private readonly ReflectionDispatcher _reflection = new(new ReflectionTarget());

    [Benchmark(Baseline = true)]
    public int HandWrittenSwitch() => Dispatch(_handWritten);

    [Benchmark]
    public int Generated() => Dispatch(_generated);

    [Benchmark]
    public int HandWrittenExplicit() => Dispatch(_explicit);

    [Benchmark]
    public int HandWrittenInlinedBodies() => Dispatch(_inlined);

    [Benchmark]
    public int Reflection()
    {
        int replies = 0;
        foreach (WebSocketFrame frame in _frames)
        {
            replies += _reflection.Dispatch(frame).Kind == HandlerResultKind.Reply ? 1 : 0;
        }

        return replies;
    }

    private int Dispatch(IWebSocketHandler handler)
    {
        int replies = 0;
        foreach (WebSocketFrame frame in _frames)
        {
            ValueTask<HandlerResult> result = handler.OnFrameAsync(frame, CancellationToken.None);
            replies += result.Result.Kind == HandlerResultKind.Reply ? 1 : 0;
        }

        return replies;
    }

    /// <summary>The counting every target does, so that the three do the same work.</summary>
    internal static class Work
    {
        public static long Bytes;
    }
}

[WebSocketHandler]
internal sealed partial class GeneratedTarget
{
    [OnText] void Text(ReadOnlyMemory<byte> utf8) => DispatchBenchmarks.Work.Bytes += utf8.Length;

    [OnBinary] void Binary(ReadOnlyMemory<byte> data) => DispatchBenchmarks.Work.Bytes += data.Length;

    [OnPing] void Ping(ReadOnlyMemory<byte> payload) => DispatchBenchmarks.Work.Bytes += payload.Length;

    [OnClose] void Close(int code, string reason) => DispatchBenchmarks.Work.Bytes += code;

    [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Reconnect;
}

/// <summary>A hand-written IWebSocketHandler: a switch on the kind that calls the same handler methods.</summary>
internal class HandWrittenTarget : IWebSocketHandler
{
    public InitResult OnInit() => InitResult.Reconnect;

    public ValueTask<HandlerResult> OnConnectAsync(CancellationToken cancellationToken) => default;

    public ValueTask<HandlerResult> OnFrameAsync(WebSocketFrame frame, CancellationToken cancellationToken)
    {
        switch (frame.Kind)
        {
            case WebSocketFrameKind.Text:
                Text(frame.Payload);
                break;
            case WebSocketFrameKind.Binary:
                Binary(frame.Payload);
                break;
            case WebSocketFrameKind.Ping:
                Ping(frame.Payload);
                break;
            case WebSocketFrameKind.Close:
                Close(frame.CloseCode ?? 1005, frame.CloseReason ?? string.Empty);
                break;
        }

        return default;
    }

    public ValueTask<HandlerResult> OnInfoAsync(object message, CancellationToken cancellationToken) => default;

    public ValueTask<DisconnectResult> OnDisconnectAsync(DisconnectReason reason, CancellationToken cancellationToken) => new(DisconnectResult.Reconnect);

    public ValueTask OnTerminateAsync(TerminateReason reason) => default;

    private static void Text(ReadOnlyMemory<byte> utf8) => DispatchBenchmarks.Work.Bytes += utf8.Length;

    private static void Binary(ReadOnlyMemory<byte> data) => DispatchBenchmarks.Work.Bytes += data.Length;

    private static void Ping(ReadOnlyMemory<byte> payload) => DispatchBenchmarks.Work.Bytes += payload.Length;

    private static void Close(int code, string reason) => DispatchBenchmarks.Work.Bytes += code;
}

/// <summary>The same switch, written as an explicit interface implementation, as the generator writes it.</summary>
internal sealed class ExplicitHandWrittenTarget : IWebSocketHandler
{
    InitResult IWebSocketHandler.OnInit() => InitResult.Reconnect;

    ValueTask<HandlerResult> IWebSocketHandler.OnConnectAsync(CancellationToken cancellationToken) => default;

    ValueTask<HandlerResult> IWebSocketHandler.OnFrameAsync(WebSocketFrame frame, CancellationToken cancellationToken)
    {
        switch (frame.Kind)
        {
            case WebSocketFrameKind.Text:
                Text(frame.Payload);
                break;
            case WebSocketFrameKind.Binary:
                Binary(frame.Payload);
                break;
            case WebSocketFrameKind.Ping:
                Ping(frame.Payload);
                break;
            case WebSocketFrameKind.Close:
                Close(frame.CloseCode ?? 1005, frame.CloseReason ?? string.Empty);
                break;
        }

        return default;
    }

    ValueTask<HandlerResult> IWebSocketHandler.OnInfoAsync(object message, CancellationToken cancellationToken) => default;

    ValueTask<DisconnectResult> IWebSocketHandler.OnDisconnectAsync(DisconnectReason reason, CancellationToken cancellationToken) => new(DisconnectResult.Reconnect);

    ValueTask IWebSocketHandler.OnTerminateAsync(TerminateReason reason) => default;

    private static void Text(ReadOnlyMemory<byte> utf8) => DispatchBenchmarks.Work.Bytes += utf8.Length;

    private static void Binary(ReadOnlyMemory<byte> data) => DispatchBenchmarks.Work.Bytes += data.Length;

    private static void Ping(ReadOnlyMemory<byte> payload) => DispatchBenchmarks.Work.Bytes += payload.Length;

    private static void Close(int code, string reason) => DispatchBenchmarks.Work.Bytes += code;
}

/// <summary>The floor: the handler bodies written into the switch, the payload cases merged. Not what a handler class is.</summary>
internal sealed class InlinedBodiesTarget : HandWrittenTarget, IWebSocketHandler
{
    ValueTask<HandlerResult> IWebSocketHandler.OnFrameAsync(WebSocketFrame frame, CancellationToken cancellationToken)
    {
        switch (frame.Kind)
        {
            case WebSocketFrameKind.Text:
            case WebSocketFrameKind.Binary:
            case WebSocketFrameKind.Ping:
                DispatchBenchmarks.Work.Bytes += frame.Payload.Length;
                break;
            case WebSocketFrameKind.Close:
                DispatchBenchmarks.Work.Bytes += frame.CloseCode ?? 1005;
                break;
        }

        return default;
    }
}

/// <summary>The same handler methods, found by a reflection-based dispatcher (not by the generator: SKWS005 is right, and expected).</summary>
#pragma warning disable SKWS005
internal sealed class ReflectionTarget
{
    [OnText] public void Text(ReadOnlyMemory<byte> utf8) => DispatchBenchmarks.Work.Bytes += utf8.Length;

    [OnBinary] public void Binary(ReadOnlyMemory<byte> data) => DispatchBenchmarks.Work.Bytes += data.Length;

    [OnPing] public void Ping(ReadOnlyMemory<byte> payload) => DispatchBenchmarks.Work.Bytes += payload.Length;

    [OnClose] public void Close(int code, string reason) => DispatchBenchmarks.Work.Bytes += code;
}
#pragma warning restore SKWS005

/// <summary>What a library without a generator does: look the methods up once, invoke them per frame.</summary>
internal sealed class ReflectionDispatcher(object target)
{
    private readonly Dictionary<WebSocketFrameKind, MethodInfo> _methods = target.GetType().GetMethods()
        .SelectMany(m => m.GetCustomAttributes().Select(a => (a, m)))
        .Where(x => x.a is OnTextAttribute or OnBinaryAttribute or OnPingAttribute or OnCloseAttribute)
        .ToDictionary(
            x => x.a switch
            {
                OnTextAttribute => WebSocketFrameKind.Text,
                OnBinaryAttribute => WebSocketFrameKind.Binary,
                OnPingAttribute => WebSocketFrameKind.Ping,
                _ => WebSocketFrameKind.Close,
            },
            x => x.m);

    public HandlerResult Dispatch(WebSocketFrame frame)
    {
        if (!_methods.TryGetValue(frame.Kind, out MethodInfo? method))
        {
            return HandlerResult.Ok;
        }

        object?[] arguments = frame.Kind == WebSocketFrameKind.Close
            ? [frame.CloseCode ?? 1005, frame.CloseReason ?? string.Empty]
            : [frame.Payload];
        return method.Invoke(target, arguments) is HandlerResult result ? result : HandlerResult.Ok;
    }
}
