using SlackKit.WebSockets;

// The client under test for Autobahn|Testsuite's fuzzing server (client mode): for each case, connect to
// /runCase?case=N&agent=AGENT and echo every message back as it came (text as text, binary as binary) until the
// connection ends; then ask the server to write its reports.
//
// usage: SlackKit.WebSockets.Autobahn ws://127.0.0.1:9001 AGENT [FIRST_CASE LAST_CASE]

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: SlackKit.WebSockets.Autobahn ws://127.0.0.1:PORT AGENT [FIRST LAST]");
    return 2;
}

string server = args[0].TrimEnd('/');
string agent = args[1];
var options = new WebSocketClientOptions
{
    MaxMessageSize = 16 * 1024 * 1024, // the 9.* cases send messages of up to 16 MiB
    CloseTimeout = TimeSpan.FromSeconds(2),
};

int count = int.Parse(await ReadOneTextAsync(new Uri($"{server}/getCaseCount"), options));
int first = args.Length > 2 ? int.Parse(args[2]) : 1;
int last = args.Length > 3 ? int.Parse(args[3]) : count;
Console.WriteLine($"{count} cases; running {first} to {last} as {agent}");
for (int n = first; n <= last; n++)
{
    var echo = new AutobahnEcho();
    await using WebSocketClient client = WebSocketClient.Start(new Uri($"{server}/runCase?case={n}&agent={Uri.EscapeDataString(agent)}"), echo, options);
    TerminateReason end = await client.Completion;
    if (n % 50 == 0 || end.Kind == TerminateKind.Failed)
    {
        Console.WriteLine($"case {n}: {end}");
    }
}

await ReadOneTextAsync(new Uri($"{server}/updateReports?agent={Uri.EscapeDataString(agent)}"), options, expectText: false);
Console.WriteLine("reports updated");
return 0;

static async Task<string> ReadOneTextAsync(Uri url, WebSocketClientOptions options, bool expectText = true)
{
    var reader = new OneText();
    await using WebSocketClient client = WebSocketClient.Start(url, reader, options);
    TerminateReason end = await client.Completion;
    if (expectText && reader.Text is null)
    {
        throw new InvalidOperationException($"{url} sent no text: {end}");
    }

    return reader.Text ?? string.Empty;
}

/// <summary>Echoes what it receives, as it received it; one connection, then the client ends.</summary>
[WebSocketHandler]
internal sealed partial class AutobahnEcho
{
    [OnInit] InitResult Init() => InitResult.Once;

    [OnText] WebSocketFrame Text(ReadOnlyMemory<byte> utf8) => WebSocketFrame.Text(utf8);

    [OnBinary] WebSocketFrame Binary(ReadOnlyMemory<byte> data) => WebSocketFrame.Binary(data);

    [OnDisconnect] DisconnectResult Disconnected(DisconnectReason reason) => DisconnectResult.Close(reason.Message);
}

/// <summary>Keeps the first text message (the case count); one connection.</summary>
[WebSocketHandler]
internal sealed partial class OneText
{
    public string? Text { get; private set; }

    [OnInit] InitResult Init() => InitResult.Once;

    [OnText] void Received(string text) => Text ??= text;

    [OnDisconnect] DisconnectResult Disconnected(DisconnectReason reason) => DisconnectResult.Close(reason.Message);
}
