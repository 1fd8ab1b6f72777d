// The SlackBot sample. With SLACK_APP_TOKEN and SLACK_BOT_TOKEN set, it runs DeployBot against Slack until Ctrl+C
// (or SIGTERM). Without them, it starts a fake Slack on 127.0.0.1 and plays a short script that shows the bot at work,
// then prints a summary and exits 0 (1 if a step did not happen).
// Several instances of one app: set ConnectionStrings__Redis (host:port) and each instance claims envelopes on that
// Redis, so that an event is handled once across them (docs/slack.md, "Running several instances").
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlackBot;
using SlackKit.SocketMode;
using SlackKit.SocketMode.Redis;
using SlackKit.SocketMode.Testing;

string? appToken = Environment.GetEnvironmentVariable("SLACK_APP_TOKEN");
string? botToken = Environment.GetEnvironmentVariable("SLACK_BOT_TOKEN");
if (!string.IsNullOrEmpty(appToken) && !string.IsNullOrEmpty(botToken))
{
    HostApplicationBuilder real = Host.CreateApplicationBuilder(args);
    real.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Slack:AppToken"] = appToken, ["Slack:BotToken"] = botToken });
    SlackSocketModeBuilder app = real.Services.AddSlackSocketMode<DeployBot>().Bind(real.Configuration.GetSection("Slack"));
    if (real.Configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
    {
        real.Services.AddStackExchangeRedisCache(o => o.Configuration = redis); // the host's IDistributedCache...
        app.UseRedis(); // ...and the claims, atomic, on the same Redis
    }

    DeployBot.MentionWork = real.Configuration.GetValue("Bot:MentionWork", TimeSpan.Zero);
    Console.WriteLine("Connecting to Slack (Ctrl+C to stop)...");
    using IHost running = real.Build();
    SlackSocketModeService service = running.Services.GetRequiredService<SlackSocketModeService>(); // before RunAsync disposes the host
    await running.RunAsync();
    // A refused token or Socket Mode switched off stops the host; the error was logged, and the exit code says so.
    return service.Client?.Completion.IsFaulted == true ? 1 : 0;
}

Console.WriteLine("No SLACK_APP_TOKEN and SLACK_BOT_TOKEN: running against an embedded fake Slack on 127.0.0.1.");
Console.WriteLine();
await using FakeSlack slack = await FakeSlack.StartAsync();

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Slack:AppToken"] = FakeSlack.AppToken,
    ["Slack:BotToken"] = FakeSlack.BotToken,
    ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
});
builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSlackSocketMode<DeployBot>().Bind(builder.Configuration.GetSection("Slack"));
using IHost host = builder.Build();
await host.StartAsync();

TimeSpan timeout = TimeSpan.FromSeconds(15);
int step = 0;
async Task<bool> Step(string what, Func<Task<string>> play)
{
    step++;
    try
    {
        string outcome = await play().WaitAsync(timeout);
        Console.WriteLine($"{step}. {what}: {outcome}");
        return true;
    }
    catch (Exception ex)
    {
        Console.WriteLine($"{step}. {what}: FAILED ({ex.GetType().Name}: {ex.Message})");
        return false;
    }
}

static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";

bool ok = true;
ok &= await Step("hello", async () =>
{
    await slack.WaitForConnectionsAsync(1);
    return $"connected as app {FakeSlack.AppId} ({slack.Connections.Count} connection)";
});

ok &= await Step("an app_mention", async () =>
{
    FakeEnvelope mention = await slack.SendAppMentionAsync("<@U0BOT> hello", channel: "C0DEPLOY", user: "U0ALICE");
    FakeAck ack = await mention.Acked;
    FakeApiCall post = await slack.WaitForPostAsync(p => p.Channel == "C0DEPLOY");
    return $"acked in {Ms(ack.After)}, then chat.postMessage \"{post.Text}\" in {post.Channel}";
});

ok &= await Step("/deploy prod", async () =>
{
    FakeEnvelope command = await slack.SendSlashCommandAsync("/deploy", "prod");
    FakeAck ack = await command.Acked;
    return ack.Text is null ? throw new InvalidOperationException("the ack carried no answer") : $"answered in its ack after {Ms(ack.After)}: \"{ack.Text}\"";
});

ok &= await Step($"/report weekly (the handler takes {DeployBot.ReportTime.TotalSeconds:0.#} s)", async () =>
{
    FakeEnvelope command = await slack.SendSlashCommandAsync("/report", "weekly");
    FakeAck ack = await command.Acked;
    if (ack.After >= TimeSpan.FromSeconds(3))
    {
        throw new InvalidOperationException($"acked after {Ms(ack.After)}, past Slack's 3 s");
    }

    var waiting = Stopwatch.StartNew();
    FakeResponse response = await slack.WaitForResponseAsync(command);
    return $"acked empty in time ({Ms(ack.After)}), then \"{response.Text}\" to its response_url {Ms(waiting.Elapsed)} later";
});

ok &= await Step("a retry of an event already handled", async () =>
{
    FakeEnvelope mention = await slack.SendAppMentionAsync("<@U0BOT> once", channel: "C0RETRY");
    await mention.Acked;
    await slack.WaitForPostAsync(p => p.Channel == "C0RETRY");
    FakeEnvelope retry = await slack.RetryAsync(mention);
    await retry.Acked;
    FakeEnvelope marker = await slack.SendAppMentionAsync("<@U0BOT> marker", channel: "C0MARK");
    await slack.WaitForPostAsync(p => p.Channel == "C0MARK");
    int posts = slack.Calls.Count(c => c.Channel == "C0RETRY");
    return posts == 1 ? "acked and dropped as a duplicate (one answer posted)" : throw new InvalidOperationException($"{posts} answers posted");
});

ok &= await Step("disconnect: warning", async () =>
{
    FakeSlackConnection old = slack.Connections[0];
    await old.SendDisconnectAsync("warning");
    await slack.WaitForConnectionsAsync(2);
    FakeSlackConnection next = slack.Connections.Single(c => c != old);
    FakeEnvelope onOld = await slack.SendAppMentionAsync("<@U0BOT> on the old one", channel: "C0OLD", on: old);
    FakeEnvelope onNext = await slack.SendAppMentionAsync("<@U0BOT> on the new one", channel: "C0NEW", on: next);
    await Task.WhenAll(onOld.Acked, onNext.Acked);
    await old.CloseAsync(); // Slack closes the connection it warned about
    await old.Closed;
    await slack.WaitForPostAsync(p => p.Channel == "C0OLD");
    await slack.WaitForPostAsync(p => p.Channel == "C0NEW");
    return $"connection {next.Id} opened before {old.Id} closed; an event on each during the overlap, both acked and answered";
});

await host.StopAsync();
Console.WriteLine();
Console.WriteLine($"Summary: {slack.AllConnections.Count} connections opened, {slack.Calls.Count(c => c.Method == "chat.postMessage")} messages posted, " +
    $"{slack.Responses.Count} response(s) sent to response_url; {(ok ? "every step happened" : "a step failed")}.");
Console.WriteLine("With SLACK_APP_TOKEN (xapp-...) and SLACK_BOT_TOKEN (xoxb-...) set, the same bot connects to Slack itself.");
return ok ? 0 : 1;
