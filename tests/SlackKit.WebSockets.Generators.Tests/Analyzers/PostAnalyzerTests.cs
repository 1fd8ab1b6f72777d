using SlackKit.WebSockets.Generators.Diagnostics.Analyzers;

namespace SlackKit.WebSockets.Generators.Tests.Analyzers;

/// <summary>SKWS009 (issue 11, point 6): a Post that no [OnInfo] of the client's known handler takes.</summary>
public class PostAnalyzerTests
{
    [Fact]
    public Task SKWS009_reports_a_Post_to_a_handler_with_no_OnInfo_through_the_client_a_handler_method_is_given() => Verifier.AnalyzerAsync<PostAnalyzer>(Source("""
        [WebSocketHandler]
        public partial class Quiet : GeneratedPart
        {
            [OnText] void Text(string text, WebSocketClient client) => {|#0:client.Post(text)|};
            [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Ok;
        }
        """),
        Verifier.Diagnostic("SKWS009").WithLocation(0).WithArguments("Quiet", "string"));

    [Fact]
    public Task SKWS009_reports_a_message_type_no_OnInfo_takes_through_a_local_started_with_the_handler() => Verifier.AnalyzerAsync<PostAnalyzer>(Source("""
        [WebSocketHandler]
        public partial class Notes : GeneratedPart
        {
            [OnInfo] void Note(string note) { }
            [OnInfo] void Reminder(IReminder reminder) { }
            [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Ok;
        }

        public interface IReminder { }
        public sealed class Standup : IReminder { }

        public static class Program
        {
            public static async Task Main()
            {
                await using var client = WebSocketClient.Start("ws://127.0.0.1/ws", new Notes());
                client.Post("a string is taken");
                client.Post(new Standup());           // taken: Standup is an IReminder
                client.Post((object)"maybe");         // may be taken at run time: not reported
                {|#0:client.Post(42)|};
                {|#1:client.Post(Version.Parse("1.0"))|};
            }
        }
        """),
        Verifier.Diagnostic("SKWS009").WithLocation(0).WithArguments("Notes", "int"),
        Verifier.Diagnostic("SKWS009").WithLocation(1).WithArguments("Notes", "Version"));

    [Fact]
    public Task SKWS009_reports_through_the_hosted_service_of_the_handler_and_not_where_the_handler_is_unknown() => Verifier.AnalyzerAsync<PostAnalyzer>(Source("""
        [WebSocketHandler]
        public partial class Hosted : GeneratedPart
        {
            [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Ok;
        }

        public sealed class Announcer(SlackKit.WebSockets.Hosting.WebSocketClientService<Hosted> bot, WebSocketClient someClient)
        {
            public void Announce()
            {
                {|#0:bot.Client!.Post("deploy done")|};
                someClient.Post("unknown handler: not reported");
            }
        }
        """),
        Verifier.Diagnostic("SKWS009").WithLocation(0).WithArguments("Hosted", "string"));

    /// <summary>The analyzer runs without the generator here: this stands in for what it would implement.</summary>
    private static string Source(string code) => $$"""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using SlackKit.WebSockets;

        {{code}}

        public abstract class GeneratedPart : IWebSocketHandler
        {
            InitResult IWebSocketHandler.OnInit() => InitResult.Reconnect;
            ValueTask<HandlerResult> IWebSocketHandler.OnConnectAsync(CancellationToken cancellationToken) => default;
            ValueTask<HandlerResult> IWebSocketHandler.OnFrameAsync(WebSocketFrame frame, CancellationToken cancellationToken) => default;
            ValueTask<HandlerResult> IWebSocketHandler.OnInfoAsync(object message, CancellationToken cancellationToken) => default;
            ValueTask<DisconnectResult> IWebSocketHandler.OnDisconnectAsync(DisconnectReason reason, CancellationToken cancellationToken) => default;
            ValueTask IWebSocketHandler.OnTerminateAsync(TerminateReason reason) => default;
        }
        """;
}
