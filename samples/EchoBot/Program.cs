// The EchoBot sample: dotnet run --project samples/EchoBot [-- --url ws://host/path]
// With no --url it starts an echo server on 127.0.0.1, talks to it, restarts the server to show the bot reconnect,
// and talks to it again. The library's own logs (connects, disconnects, reconnect waits) go to the console.
using EchoBotSample;
using Microsoft.Extensions.Logging;
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
        return Usage($"unknown argument '{args[i]}'");
    }
}

if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out Uri? given) && given.Scheme is "ws" or "wss"))
{
    return Usage($"'{url}' is not a WebSocket URL");
}

await using EchoServer? server = url is null ? await EchoServer.StartAsync() : null;
url ??= server!.Url;
Console.WriteLine($"echo server: {url}");

// A console program gets no library logs unless it gives the client a logger factory.
using ILoggerFactory logging = LoggerFactory.Create(builder => builder
    .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss.fff "; })
    .SetMinimumLevel(LogLevel.Information));

WebSocketFrame[] messages =
[
    WebSocketFrame.Text("hello"),
    WebSocketFrame.Text("héllo wörld ✓"),
    WebSocketFrame.Binary(new byte[] { 0xCA, 0xFE, 0xBA, 0xBE }),
    WebSocketFrame.Text(new string('x', 10_000)[..40] + "…"),
];

var bot = new EchoBot(Console.Out);
await using WebSocketClient client = WebSocketClient.Start(url, bot, new WebSocketClientOptions
{
    ConnectTimeout = TimeSpan.FromSeconds(10),
    ReconnectDelay = TimeSpan.FromMilliseconds(250),
    LoggerFactory = logging,
});

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
try
{
    // SendAsync waits for the connection: nothing is lost to sending before the handshake is done.
    foreach (WebSocketFrame message in messages)
    {
        string shown = message.Kind == WebSocketFrameKind.Text ? $"\"{message.GetText()}\"" : $"[{Convert.ToHexString(message.Payload.Span)}]";
        Console.WriteLine($"-> {message.Kind.ToString().ToLowerInvariant(),-6} {shown}");
        await client.SendAsync(message, timeout.Token);
    }

    client.Post("posted to the bot's mailbox");
    await bot.WaitForEchoesAsync(messages.Length + 1, timeout.Token); // and the [OnInfo] handler's reply

    if (server is not null)
    {
        Console.WriteLine("== the server restarts; the bot reconnects by itself");
        await server.RestartAsync(downtime: TimeSpan.FromMilliseconds(600));
        Console.WriteLine("-> text   \"back again\"");
        await client.SendAsync(WebSocketFrame.Text("back again"), timeout.Token); // waits for the new connection
        await bot.WaitForEchoesAsync(messages.Length + 2, timeout.Token);
    }
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine($"no answer within 30 s (client is {client.State})");
    return 1;
}

await client.StopAsync();
TerminateReason reason = await client.Completion;
Console.WriteLine($"done: {reason}; {bot.Connections} connection(s)");
return reason.Kind == TerminateKind.Stopped ? 0 : 1;

static int Usage(string problem)
{
    Console.Error.WriteLine($"EchoBot: {problem}");
    Console.Error.WriteLine("usage: EchoBot [--url ws://host/path | wss://host/path]");
    return 2;
}
