using SlackKit.SocketMode;
using SlackKit.SocketMode.Payloads;

namespace SlackBot;

/// <summary>The bot: every method is a route, acked in time by the client whatever the method does.</summary>
[SlackApp]
public partial class DeployBot(SlackApi slack)
{
    /// <summary>How long the report takes: longer than Slack's 3 s, so its answer goes to response_url.</summary>
    public static TimeSpan ReportTime { get; set; } = TimeSpan.FromSeconds(3.5);

    /// <summary>What a mention's answer waits for first: the lookup a real bot makes (configuration <c>Bot:MentionWork</c>). Default none.</summary>
    public static TimeSpan MentionWork { get; set; }

    [SlackEvent("app_mention")]
    async Task Mentioned(AppMention e, CancellationToken ct)
    {
        if (MentionWork > TimeSpan.Zero)
        {
            await Task.Delay(MentionWork, ct);
        }

        await slack.PostMessageAsync(e.Channel, $"hi <@{e.User}>", threadTs: e.ThreadTs, cancellationToken: ct);
    }

    [SlashCommand("/deploy")]
    SlackResponse Deploy(SlashCommand command) => SlackResponse.Ephemeral($"deploying {command.Text}");

    [SlashCommand("/report")]
    async Task<SlackResponse> Report(SlashCommand command, CancellationToken ct)
    {
        await Task.Delay(ReportTime, ct); // slow work: the client acks at AckTimeout and sends this to response_url
        return SlackResponse.InChannel($"report for {command.Text}: all green");
    }

    [Interactive("block_actions")]
    Task Clicked(BlockActions actions, CancellationToken ct) =>
        actions.Channel is { } channel
            ? slack.PostMessageAsync(channel.Id, $"<@{actions.User.Id}> clicked {actions.Actions[0].ActionId}", cancellationToken: ct)
            : Task.CompletedTask;
}
