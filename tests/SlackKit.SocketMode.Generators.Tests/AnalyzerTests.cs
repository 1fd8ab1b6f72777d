using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using SlackKit.SocketMode.CodeFixes;
using SlackKit.SocketMode.Generators.Diagnostics.Analyzers;

namespace SlackKit.SocketMode.Generators.Tests;

/// <summary>Every SKSM diagnostic where it is due and nowhere else, and every code fix.</summary>
public class AnalyzerTests
{
    private static DiagnosticResult Warning(string id) => new(id, DiagnosticSeverity.Warning);

    private static DiagnosticResult Error(string id) => new(id, DiagnosticSeverity.Error);

    [Fact]
    public Task A_correct_bot_has_no_diagnostic() => Harness.AnalyzerAsync<RouteAnalyzer>(SlackAppCases.All["EveryShape"]);

    [Fact]
    public Task SKSM001_reports_a_typo_of_an_event_type_with_the_name_it_is_close_to() => Harness.AnalyzerAsync<RouteAnalyzer>("""
        using SlackKit.SocketMode;

        [SlackApp]
        public partial class Bot
        {
            [{|#0:SlackEvent("app_mentoin")|}] void Mentioned() { }
            [{|#1:Interactive("button_clicked")|}] void Clicked() { }
        }
        """,
        Warning("SKSM001").WithLocation(0).WithArguments("app_mentoin", "an event", " (did you mean 'app_mention'?)"),
        Warning("SKSM001").WithLocation(1).WithArguments("button_clicked", "an interaction", ""));

    [Fact]
    public Task SKSM002_reports_a_command_without_its_slash_with_spaces_or_in_capitals() => Harness.AnalyzerAsync<RouteAnalyzer>("""
        using SlackKit.SocketMode;

        [SlackApp]
        public partial class Bot
        {
            [{|#0:SlashCommand("deploy")|}] void A() { }
            [{|#1:SlashCommand("/deploy prod")|}] void B() { }
            [{|#2:SlashCommand("/Deploy")|}] void C() { }
            [{|#3:SlashCommand("/")|}] void D() { }
        }
        """,
        Error("SKSM002").WithLocation(0).WithArguments("deploy", "a command starts with '/'"),
        Error("SKSM002").WithLocation(1).WithArguments("/deploy prod", "a command has no spaces (what the user types after it is the command's text)"),
        Error("SKSM002").WithLocation(2).WithArguments("/Deploy", "Slack's commands are lowercase"),
        Error("SKSM002").WithLocation(3).WithArguments("/", "a command has a name after its '/'"));

    [Fact]
    public Task SKSM003_says_why_a_method_cannot_be_called_and_what_is_accepted() => Harness.AnalyzerAsync<RouteAnalyzer>("""
        using System.Threading;
        using SlackKit.SocketMode;
        using SlackKit.SocketMode.Payloads;

        [SlackApp]
        public partial class Bot
        {
            [SlackEvent("app_mention")] int {|#0:Counted|}(AppMention e) => 0;
            [SlackEvent("message")] void {|#1:Wrong|}(SlashCommand c) { }
            [SlashCommand("/a")] void {|#2:Order|}(CancellationToken ct, SlashCommand c) { }
            [SlackEvent("team_join")] SlackResponse {|#3:Answers|}() => SlackResponse.Ephemeral("no");
            [SlashCommand("/b")] void {|#4:Generic|}<T>() { }
        }
        """,
        Error("SKSM003").WithLocation(0).WithArguments("Counted", "event", "app_mention", "it returns int",
            "parameters ([AppMention, MessageEvent, ReactionAdded, JsonElement, a type of [SlackApp(JsonContext)]][, SlackContext][, CancellationToken]) in that order, returning void, Task or ValueTask"),
        Error("SKSM003").WithLocation(1).WithArguments("Wrong", "event", "message", "a SlashCommand is not what an event carries",
            "parameters ([AppMention, MessageEvent, ReactionAdded, JsonElement, a type of [SlackApp(JsonContext)]][, SlackContext][, CancellationToken]) in that order, returning void, Task or ValueTask"),
        Error("SKSM003").WithLocation(2).WithArguments("Order", "slash command", "/a", "its parameter 'c' (SlackKit.SocketMode.Payloads.SlashCommand) is not one it can be given, or not in its place",
            "parameters ([SlashCommand, JsonElement, a type of [SlackApp(JsonContext)]][, SlackContext][, CancellationToken]) in that order, returning void, Task, ValueTask, SlackResponse, Task<SlackResponse> or ValueTask<SlackResponse>"),
        Error("SKSM003").WithLocation(3).WithArguments("Answers", "event", "team_join", "an event is acked before its handler runs, so it has no response to return",
            "parameters ([AppMention, MessageEvent, ReactionAdded, JsonElement, a type of [SlackApp(JsonContext)]][, SlackContext][, CancellationToken]) in that order, returning void, Task or ValueTask"),
        Error("SKSM003").WithLocation(4).WithArguments("Generic", "slash command", "/b", "it is generic",
            "parameters ([SlashCommand, JsonElement, a type of [SlackApp(JsonContext)]][, SlackContext][, CancellationToken]) in that order, returning void, Task, ValueTask, SlackResponse, Task<SlackResponse> or ValueTask<SlackResponse>"));

    [Fact]
    public Task SKSM003_accepts_a_type_of_the_apps_own_JsonContext_and_reports_one_it_does_not_serialize() => Harness.AnalyzerAsync<RouteAnalyzer>("""
        using System.Text.Json.Serialization;
        using SlackKit.SocketMode;

        public sealed record TeamJoin(string Type);
        public sealed record Unlisted(string Type);

        // The analyzer reads the context's [JsonSerializable] list; System.Text.Json's generator is not run here.
        [JsonSerializable(typeof(TeamJoin))]
        internal class OwnJson { }

        [SlackApp(JsonContext = typeof(OwnJson))]
        public partial class Bot
        {
            [SlackEvent("team_join")] void Joined(TeamJoin e) { }
            [SlackEvent("user_change")] void {|#0:Changed|}(Unlisted e) { }
        }
        """,
        Error("SKSM003").WithLocation(0).WithArguments("Changed", "event", "user_change", "its parameter 'e' (Unlisted) is not one it can be given, or not in its place",
            "parameters ([AppMention, MessageEvent, ReactionAdded, JsonElement, a type of [SlackApp(JsonContext)]][, SlackContext][, CancellationToken]) in that order, returning void, Task or ValueTask"));

    [Fact]
    public Task SKSM004_reports_the_second_method_for_a_route() => Harness.AnalyzerAsync<SlackAppClassAnalyzer>("""
        using SlackKit.SocketMode;

        [SlackApp]
        public partial class Bot
        {
            [SlashCommand("/deploy")] void First() { }
            [{|#0:SlashCommand("/deploy")|}] void Second() { }
            [SlackEvent("message")] void Other() { }
            [Interactive("message")] void NotTheSameRoute() { }
        }
        """,
        Error("SKSM004").WithLocation(0).WithArguments("Second", "slash command", "/deploy", "First"));

    [Fact]
    public Task SKSM005_reports_a_blocking_call_in_a_route_method_but_not_in_a_lambda_or_a_plain_method() => Harness.AnalyzerAsync<BlockingCallAnalyzer>("""
        using System.Threading;
        using System.Threading.Tasks;
        using SlackKit.SocketMode;

        [SlackApp]
        public partial class Bot
        {
            [SlashCommand("/slow")]
            SlackResponse Slow()
            {
                {|#0:Thread.Sleep(100)|};
                string text = {|#1:Task.FromResult("x").Result|};
                _ = Task.Run(() => Thread.Sleep(100)); // elsewhere: not the route's thread
                return SlackResponse.Ephemeral(text);
            }

            void Helper() => Thread.Sleep(1); // not a route
        }
        """,
        Warning("SKSM005").WithLocation(0).WithArguments("Thread.Sleep()", "Slow"),
        Warning("SKSM005").WithLocation(1).WithArguments(".Result", "Slow"));

    [Fact]
    public Task SKSM006_reports_a_class_the_generator_cannot_implement() => Harness.AnalyzerAsync<SlackAppClassAnalyzer>("""
        using SlackKit.SocketMode;

        [SlackApp]
        public class {|#0:NotPartial|} { }

        [SlackApp]
        public partial class {|#1:Generic|}<T> { }

        public class Outer
        {
            [SlackApp]
            public partial class {|#2:Inner|} { }
        }
        """,
        Error("SKSM006").WithLocation(0).WithArguments("NotPartial", "it is not partial; add the partial modifier so that the generator can implement ISlackApp"),
        Error("SKSM006").WithLocation(1).WithArguments("Generic", "it is generic"),
        Error("SKSM006").WithLocation(2).WithArguments("Inner", "the type it is nested in, 'Outer', is not partial"));

    [Fact]
    public Task SKSM007_reports_a_route_in_a_class_without_SlackApp() => Harness.AnalyzerAsync<RouteAnalyzer>("""
        using SlackKit.SocketMode;

        public partial class Forgot
        {
            [{|#0:SlashCommand("/deploy")|}] void Deploy() { }
        }
        """,
        Warning("SKSM007").WithLocation(0).WithArguments("Deploy", "SlashCommand", "Forgot"));

    [Fact]
    public Task SKSM001_fix_writes_the_event_type_the_typo_was_close_to() => Harness.CodeFixAsync<RouteAnalyzer, UseSuggestedNameCodeFixProvider>("""
        using SlackKit.SocketMode;

        [SlackApp]
        public partial class Bot
        {
            [{|SKSM001:SlackEvent("app_mentoin")|}] void Mentioned() { }
        }
        """, """
        using SlackKit.SocketMode;

        [SlackApp]
        public partial class Bot
        {
            [SlackEvent("app_mention")] void Mentioned() { }
        }
        """);

    [Fact]
    public Task SKSM002_fix_writes_the_command_with_its_slash_without_spaces_in_lowercase() => Harness.CodeFixAsync<RouteAnalyzer, UseSuggestedNameCodeFixProvider>("""
        using SlackKit.SocketMode;

        [SlackApp]
        public partial class Bot
        {
            [{|SKSM002:SlashCommand("Deploy")|}] void Deploy() { }
        }
        """, """
        using SlackKit.SocketMode;

        [SlackApp]
        public partial class Bot
        {
            [SlashCommand("/deploy")] void Deploy() { }
        }
        """);

    [Fact]
    public Task SKSM006_fix_makes_the_class_partial() => Harness.CodeFixAsync<SlackAppClassAnalyzer, MakeSlackAppPartialCodeFixProvider>("""
        using SlackKit.SocketMode;

        [SlackApp]
        public sealed class {|SKSM006:Bot|}
        {
        }
        """, """
        using SlackKit.SocketMode;

        [SlackApp]
        public sealed partial class Bot
        {
        }
        """);
}
