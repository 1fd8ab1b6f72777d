using SlackKit.WebSockets.Generators.Diagnostics.Analyzers;

namespace SlackKit.WebSockets.Generators.Tests.Analyzers;

/// <summary>SKWS003 (a signature the generator cannot call) and SKWS006 (async void).</summary>
public class HandlerSignatureAnalyzerTests
{
    [Theory]
    [InlineData("[OnText] static void {|SKWS003:Text|}(string s) { }")]
    [InlineData("[OnText] void {|SKWS003:Text|}<T>(string s) { }")]
    [InlineData("[OnText] void {|SKWS003:Text|}(ref string s) { }")]
    [InlineData("[OnText] void {|SKWS003:Text|}(int number) { }")]
    [InlineData("[OnText] int {|SKWS003:Text|}(string s) => 0;")]
    [InlineData("[OnText] void {|SKWS003:Text|}(string s, params int[] rest) { }")]
    [InlineData("[OnBinary] void {|SKWS003:Binary|}(string s) { }")]
    [InlineData("[OnInit] Task<InitResult> {|SKWS003:Init|}() => Task.FromResult(InitResult.Ok);")]
    [InlineData("[OnInit] void {|SKWS003:Init|}(CancellationToken token) { }")]
    [InlineData("[OnDisconnect] void {|SKWS003:Disconnected|}(DisconnectReason reason) { }")]
    [InlineData("[OnTerminate] void {|SKWS003:Terminated|}(TerminateReason reason, CancellationToken token) { }")]
    [InlineData("[OnInfo] void {|SKWS003:Info|}(int? number) { }")]
    [InlineData("[OnInfo] void {|SKWS003:Info|}() { }")]
    [InlineData("[OnClose] void {|SKWS003:Close|}(string reason, int code) { }")]
    [InlineData("[OnConnect] Task<int> {|SKWS003:Connected|}() => Task.FromResult(1);")]
    [InlineData("[OnText] void {|SKWS003:Text|}(WebSocketClient client, string s) { }")]
    [InlineData("[OnText] void {|SKWS003:Text|}(string s, CancellationToken token, WebSocketClient client) { }")]
    [InlineData("[OnInit] void {|SKWS003:Init|}(WebSocketClient client) { }")]
    [InlineData("[OnTerminate] void {|SKWS003:Terminated|}(WebSocketClient client) { }")]
    public Task SKWS003_reports_a_signature_the_generator_cannot_call(string method) => Verifier.AnalyzerAsync<HandlerSignatureAnalyzer>(Wrap(method));

    [Fact]
    public Task SKWS003_says_why_and_lists_what_is_accepted() => Verifier.AnalyzerAsync<HandlerSignatureAnalyzer>(Wrap(
        "[OnBinary] void {|#0:Binary|}(string s) { }"),
        Verifier.Diagnostic("SKWS003").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(0).WithMessage(
            "'Binary' cannot be an [OnBinary] handler: it takes (string). Accepted: parameters (ReadOnlyMemory<byte>), optionally followed by a WebSocketClient (the client, to send while the handler runs), then a CancellationToken; returns void, HandlerResult, WebSocketFrame, WebSocketFrame?, or a Task/ValueTask of these."));

    [Fact]
    public Task SKWS003_names_a_static_method_for_what_it_is() => Verifier.AnalyzerAsync<HandlerSignatureAnalyzer>(Wrap(
        "[OnConnect] static void {|#0:Connected|}() { }"),
        Verifier.Diagnostic("SKWS003").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(0).WithArguments(
            "Connected", "OnConnect", "a static method has no handler instance to run on",
            "no parameters, optionally followed by a WebSocketClient (the client, to send while the handler runs), then a CancellationToken; returns void, HandlerResult, WebSocketFrame, WebSocketFrame?, or a Task/ValueTask of these"));

    [Fact]
    public Task SKWS006_reports_an_async_void_handler() => Verifier.AnalyzerAsync<HandlerSignatureAnalyzer>(Wrap(
        "[OnText] async void {|SKWS006:Text|}(string s) => await Task.Yield();"));

    [Fact]
    public Task Reports_nothing_for_accepted_shapes_or_for_async_void_methods_that_are_not_handlers() => Verifier.AnalyzerAsync<HandlerSignatureAnalyzer>(Wrap("""
        [OnText] async Task Text(string s, CancellationToken token) => await Task.Delay(1, token);
        [OnBinary] ValueTask<WebSocketFrame?> Binary(ReadOnlyMemory<byte> data) => new((WebSocketFrame?)null);
        [OnClose] HandlerResult Close(int code, string reason) => HandlerResult.Ok;
        [OnInfo] void Info(System.Collections.Generic.List<string> items) { }
        [OnDisconnect] Task<DisconnectResult> Lost(DisconnectReason reason, CancellationToken token) => Task.FromResult(DisconnectResult.Ok);
        [OnConnect] void Connected(WebSocketClient client) { }
        [OnPing] Task Ping(ReadOnlyMemory<byte> payload, WebSocketClient client, CancellationToken token) => client.SendAsync(WebSocketFrame.Text("pinged"), token).AsTask();
        async void NotAHandler() => await Task.Yield();
        """));

    private static string Wrap(string members) => $$"""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public partial class Bot
        {
            {{members}}
        }
        """;
}
