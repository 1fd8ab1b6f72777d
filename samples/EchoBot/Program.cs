// The EchoBot sample: dotnet run --project samples/EchoBot [-- --url ws://host/path]
// With no --url it starts an echo server on 127.0.0.1 and talks to it.
using EchoBotSample;
using SlackKit.WebSockets;

string? url = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--url" && i + 1 < args.Length)
    {
        url = args[++i];
    }
    else
    {
        Console.Error.WriteLine("usage: EchoBot [--url ws://host/path | wss://host/path]");
        return 2;
    }
}

await using EchoServer? server = url is null ? await EchoServer.StartAsync() : null;
url ??= server!.Url;
Console.WriteLine($"echo server: {url}");

WebSocketFrame[] messages =
[
    WebSocketFrame.Text("hello"),
    WebSocketFrame.Text("héllo wörld ✓"),
    WebSocketFrame.Binary(new byte[] { 0xCA, 0xFE, 0xBA, 0xBE }),
    WebSocketFrame.Text(new string('x', 10_000)[..40] + "…"),
];

// Each message comes back once, and the [OnInfo] handler's reply comes back too.
var bot = new EchoBot(Console.Out, expectedEchoes: messages.Length + 1);
await using WebSocketClient client = WebSocketClient.Start(url, bot, new WebSocketClientOptions
{
    ConnectTimeout = TimeSpan.FromSeconds(10),
});

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
try
{
    await bot.Connected.WaitAsync(timeout.Token);
    foreach (WebSocketFrame message in messages)
    {
        string shown = message.Kind == WebSocketFrameKind.Text ? $"\"{message.GetText()}\"" : $"[{Convert.ToHexString(message.Payload.Span)}]";
        Console.WriteLine($"-> {message.Kind.ToString().ToLowerInvariant(),-6} {shown}");
        client.Cast(message);
    }

    client.Post("posted to the bot's mailbox");
    await bot.AllEchoed.WaitAsync(timeout.Token);
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine($"no answer within 30 s (client is {client.State})");
    return 1;
}

await client.StopAsync();
TerminateReason reason = await client.Completion;
Console.WriteLine($"done: {reason}");
return reason.Kind == TerminateKind.Stopped ? 0 : 1;
