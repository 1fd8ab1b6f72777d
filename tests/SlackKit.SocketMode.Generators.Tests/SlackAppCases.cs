namespace SlackKit.SocketMode.Generators.Tests;

/// <summary>[SlackApp] classes whose generated source is kept as a golden file in Baselines/; together they cover every accepted shape.</summary>
public static class SlackAppCases
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        // The bot.
        ["DeployBot"] = """
            using System.Threading;
            using System.Threading.Tasks;
            using SlackKit.SocketMode;
            using SlackKit.SocketMode.Payloads;

            namespace Samples;

            [SlackApp]
            public partial class DeployBot(SlackApi slack)
            {
                [SlackEvent("app_mention")]
                Task Mentioned(AppMention e, CancellationToken ct) => slack.PostMessageAsync(e.Channel, $"hi <@{e.User}>", cancellationToken: ct);

                [SlashCommand("/deploy")]
                SlackResponse Deploy(SlashCommand command) => SlackResponse.Ephemeral($"deploying {command.Text}");

                [Interactive("block_actions")]
                Task Clicked(BlockActions actions, CancellationToken ct) => Task.CompletedTask;
            }
            """,

        // Every payload, parameter and return shape.
        ["EveryShape"] = """
            using System.Text.Json;
            using System.Threading;
            using System.Threading.Tasks;
            using SlackKit.SocketMode;
            using SlackKit.SocketMode.Payloads;

            namespace Samples.Shapes;

            [SlackApp]
            internal sealed partial class ShapesBot
            {
                [SlackEvent("message")] void Message(MessageEvent e) { }
                [SlackEvent("reaction_added")] ValueTask Reaction(ReactionAdded e, SlackContext context) => ValueTask.CompletedTask;
                [SlackEvent("team_join")] void Joined(JsonElement e, SlackContext context, CancellationToken ct) { }
                [SlackEvent("app_home_opened")] Task Home() => Task.CompletedTask;
                [SlashCommand("/now")] SlackResponse? Now(SlashCommand c) => null;
                [SlashCommand("/later")] Task<SlackResponse> Later(SlashCommand c, CancellationToken ct) => Task.FromResult(SlackResponse.InChannel("later"));
                [SlashCommand("/maybe")] ValueTask<SlackResponse?> Maybe(JsonElement payload) => new((SlackResponse?)null);
                [Interactive("view_submission")] Task<SlackResponse?> Submitted(ViewSubmission v, SlackContext context, CancellationToken ct) => Task.FromResult<SlackResponse?>(null);
                [Interactive("shortcut")] [Interactive("message_action")] void Shortcut(SlackContext context) { }
                [SlackEvent("pin_added")] static void Pinned() { }
            }
            """,

        // No namespace, nested in partial types, a name with characters to escape.
        ["NestedInGlobalNamespace"] = """
            using SlackKit.SocketMode;

            public partial class Outer
            {
                [SlackApp]
                private partial class Inner
                {
                    [SlashCommand("/say\"hi\"")] SlackResponse Say() => SlackResponse.Ephemeral("hi");
                }
            }
            """,

        // Payload types of the app's own, from its JsonSerializerContext (one renamed with TypeInfoPropertyName).
        ["OwnPayloadTypes"] = """
            using System.Text.Json.Serialization;
            using SlackKit.SocketMode;

            namespace Samples.Own;

            public sealed record TeamJoin(string Type);

            public sealed record Shortcut(string CallbackId);

            [JsonSerializable(typeof(TeamJoin))]
            [JsonSerializable(typeof(Shortcut), TypeInfoPropertyName = "GlobalShortcut")]
            internal partial class OwnJson : JsonSerializerContext;

            [SlackApp(JsonContext = typeof(OwnJson))]
            public partial class OwnBot
            {
                [SlackEvent("team_join")] void Joined(TeamJoin e) { }
                [Interactive("shortcut")] void Shortcut(Shortcut s, SlackContext context) { }
            }
            """,

        // No routes at all: every envelope is acked and logged as unrouted.
        ["NoRoutes"] = """
            using SlackKit.SocketMode;

            namespace Samples;

            [SlackApp]
            public partial class Quiet
            {
            }
            """,
    };

    public static TheoryData<string> Names => [.. All.Keys];
}
