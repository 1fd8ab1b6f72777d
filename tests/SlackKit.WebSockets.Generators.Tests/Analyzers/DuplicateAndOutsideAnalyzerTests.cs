using SlackKit.WebSockets.Generators.Diagnostics.Analyzers;

namespace SlackKit.WebSockets.Generators.Tests.Analyzers;

/// <summary>SKWS004 (two methods for one callback) and SKWS005 (a callback outside a handler class).</summary>
public class DuplicateAndOutsideAnalyzerTests
{
    [Fact]
    public Task SKWS004_reports_the_second_method_for_a_callback() => Verifier.AnalyzerAsync<DuplicateCallbackAnalyzer>("""
        using System;
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public partial class Bot
        {
            [OnText] void First(string s) { }
            [OnText] void {|#0:Second|}(ReadOnlyMemory<byte> s) { }
        }
        """,
        Verifier.Diagnostic("SKWS004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(0)
            .WithMessage("'Second' is a second [OnText] method; 'First' already handles it. Keep one of them."));

    [Fact]
    public Task SKWS004_reports_two_OnInfo_methods_for_the_same_type() => Verifier.AnalyzerAsync<DuplicateCallbackAnalyzer>("""
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public partial class Bot
        {
            [OnInfo] void First(string s) { }
            [OnInfo] HandlerResult {|#0:Second|}(string s) => HandlerResult.Ok;
        }
        """,
        Verifier.Diagnostic("SKWS004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(0)
            .WithArguments("Second", "OnInfo", " for messages of type string", "First"));

    [Fact]
    public Task SKWS004_reports_nothing_for_OnInfo_methods_of_different_types() => Verifier.AnalyzerAsync<DuplicateCallbackAnalyzer>("""
        using System;
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public partial class Bot
        {
            [OnInfo] void Text(string s) { }
            [OnInfo] void Failure(Exception e) { }
            [OnInfo] void Anything(object o) { }
            [OnText] void Text2(string s) { }
            [OnBinary] void Binary(ReadOnlyMemory<byte> b) { }
        }
        """);

    [Fact]
    public Task SKWS005_reports_a_callback_in_a_class_without_WebSocketHandler() => Verifier.AnalyzerAsync<CallbackOutsideHandlerAnalyzer>("""
        using SlackKit.WebSockets;
        public class Forgotten
        {
            [OnText] void {|#0:Text|}(string s) { }
            [OnConnect] void {|#1:Connected|}() { }
        }
        """,
        Verifier.Diagnostic("SKWS005").WithLocation(0)
            .WithMessage("'Text' has [OnText], but 'Forgotten' has no [WebSocketHandler], so nothing will call it. Add [WebSocketHandler] to 'Forgotten'."),
        Verifier.Diagnostic("SKWS005").WithLocation(1).WithArguments("Connected", "OnConnect", "Forgotten"));

    [Fact]
    public Task SKWS005_reports_nothing_in_a_handler_class() => Verifier.AnalyzerAsync<CallbackOutsideHandlerAnalyzer>("""
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public partial class Bot
        {
            [OnText] void Text(string s) { }
        }
        """);
}
