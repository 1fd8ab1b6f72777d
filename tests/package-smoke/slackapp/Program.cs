using SlackKit.SocketMode;
using SlackKit.SocketMode.Payloads;
using SlackKit.SocketMode.Testing;

await using FakeSlack slack = await FakeSlack.StartAsync();
SlackSocketModeOptions options = slack.CreateOptions();
var api = new SlackApi(options);
await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new SmokeBot(api), options, api);
await bot.WaitUntilConnectedAsync().WaitAsync(TimeSpan.FromSeconds(30));

FakeEnvelope mention = await slack.SendAppMentionAsync("<@U0BOT> hello");
await mention.Acked.WaitAsync(TimeSpan.FromSeconds(30));
FakeApiCall post = await slack.WaitForPostAsync().WaitAsync(TimeSpan.FromSeconds(30));
FakeEnvelope command = await slack.SendSlashCommandAsync("/deploy", "prod");
FakeAck ack = await command.Acked.WaitAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"slack bot: posted \"{post.Text}\", answered \"{ack.Text}\" in the ack");

[SlackApp]
public partial class SmokeBot(SlackApi slack)
{
    [SlackEvent("app_mention")]
    Task Mentioned(AppMention e, CancellationToken ct) => slack.PostMessageAsync(e.Channel, $"hi <@{e.User}>", cancellationToken: ct);

    [SlashCommand("/deploy")]
    SlackResponse Deploy(SlashCommand command) => SlackResponse.Ephemeral($"deploying {command.Text}");

    [SlackEvent("reaction_addded")] // a typo, on purpose: the package's analyzer reports SKSM001
    void Reacted(ReactionAdded e) { }
}
