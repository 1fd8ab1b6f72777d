using System.Collections.Concurrent;
using System.Text.Json;
using SlackKit.SocketMode.Payloads;

namespace SlackKit.SocketMode.Tests;

/// <summary>The issue's bot: a mention answered with a post, a command answered in its ack, a button click.</summary>
[SlackApp]
public partial class DeployBot(SlackApi slack, Recorder journal)
{
    /// <summary>Released by a test to let the slow command finish.</summary>
    public TaskCompletionSource SlowGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [SlackEvent("app_mention")]
    async Task Mentioned(AppMention e, CancellationToken ct)
    {
        journal.Add($"mention:{e.Text}");
        if (e.Text == "boom")
        {
            throw new InvalidOperationException("the handler failed on purpose");
        }

        await slack.PostMessageAsync(e.Channel, $"hi <@{e.User}>", cancellationToken: ct);
        journal.Add($"posted:{e.Text}");
    }

    [SlashCommand("/deploy")]
    SlackResponse Deploy(SlashCommand command)
    {
        journal.Add($"deploy:{command.Text}");
        return SlackResponse.Ephemeral($"deploying {command.Text}");
    }

    [SlashCommand("/slow")]
    async Task<SlackResponse> Slow(SlashCommand command, SlackContext context)
    {
        journal.Add($"slow-started:{context.EnvelopeId}");
        await SlowGate.Task;
        journal.Add("slow-finished");
        return SlackResponse.InChannel($"done {command.Text}");
    }

    [Interactive("block_actions")]
    ValueTask Clicked(BlockActions actions)
    {
        journal.Add($"clicked:{actions.Actions[0].ActionId}");
        return ValueTask.CompletedTask;
    }

    [SlackEvent("reaction_added")]
    void Reacted(JsonElement e) => journal.Add($"reaction:{e.GetProperty("reaction").GetString()}");

    [Interactive("view_submission")]
    SlackResponse Submitted(ViewSubmission submission) => SlackResponse.FromJson("""{"response_action":"clear"}""");
}

/// <summary>Records when each mention's handler starts and ends; "slow" waits for the test.</summary>
[SlackApp]
public partial class OrderingBot(Recorder journal, Task gate)
{
    [SlackEvent("app_mention")]
    async Task Mentioned(AppMention e)
    {
        journal.Add($"start:{e.Text}");
        if (e.Text == "slow")
        {
            await gate;
        }

        journal.Add($"done:{e.Text}");
    }
}

/// <summary>Counts events by text: for the load and the duplicates tests.</summary>
[SlackApp]
public partial class CountingBot(Recorder? journal = null)
{
    public ConcurrentDictionary<string, int> Handled { get; } = new();

    [SlackEvent("app_mention")]
    void Mentioned(AppMention e)
    {
        Handled.AddOrUpdate(e.Text, 1, (_, n) => n + 1);
        journal?.Add($"mention:{e.Text}");
    }
}

/// <summary>Answers every /big command in its ack with 16 KiB of text.</summary>
[SlackApp]
public partial class BigAnswerBot(Recorder journal)
{
    private static readonly SlackResponse Answer = SlackResponse.Ephemeral(new string('x', 16 * 1024));

    [SlashCommand("/big")]
    SlackResponse Big(SlashCommand command)
    {
        journal.Add(command.Text);
        return Answer;
    }
}

/// <summary>A payload type of the bot's own, read with its own source-generated metadata.</summary>
public sealed record TeamJoinEvent([property: System.Text.Json.Serialization.JsonPropertyName("user")] TeamJoinUser User);

public sealed record TeamJoinUser([property: System.Text.Json.Serialization.JsonPropertyName("id")] string Id);

[System.Text.Json.Serialization.JsonSerializable(typeof(TeamJoinEvent))]
internal partial class OwnJson : System.Text.Json.Serialization.JsonSerializerContext;

[SlackApp(JsonContext = typeof(OwnJson))]
public partial class WelcomeBot(Recorder journal)
{
    [SlackEvent("team_join")]
    void Joined(TeamJoinEvent e) => journal.Add($"welcome:{e.User.Id}");
}

/// <summary>Its handler runs until cancelled, and says so.</summary>
[SlackApp]
public partial class EndlessBot(Recorder journal)
{
    [SlackEvent("app_mention")]
    async Task Mentioned(AppMention e, CancellationToken ct)
    {
        journal.Add("started");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            journal.Add("cancelled");
        }
    }
}
