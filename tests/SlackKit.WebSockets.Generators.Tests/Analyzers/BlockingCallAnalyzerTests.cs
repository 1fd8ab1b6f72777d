using SlackKit.WebSockets.Generators.Diagnostics.Analyzers;

namespace SlackKit.WebSockets.Generators.Tests.Analyzers;

/// <summary>SKWS007: blocking calls that stall the mailbox.</summary>
public class BlockingCallAnalyzerTests
{
    [Theory]
    [InlineData("_ = {|#0:Fetch().Result|};", ".Result")]
    [InlineData("_ = {|#0:new ValueTask<int>(1).Result|};", ".Result")]
    [InlineData("{|#0:Fetch().Wait()|};", "Task.Wait()")]
    [InlineData("{|#0:Task.WaitAll(Fetch())|};", "Task.WaitAll()")]
    [InlineData("{|#0:Thread.Sleep(10)|};", "Thread.Sleep()")]
    [InlineData("_ = {|#0:Fetch().Wait(100)|};", "Task.Wait()")]
    [InlineData("_ = {|#0:Fetch().Wait(System.TimeSpan.FromSeconds(1))|};", "Task.Wait()")]
    [InlineData("{|#0:Fetch().Wait(CancellationToken.None)|};", "Task.Wait()")]
    [InlineData("{|#0:new SemaphoreSlim(1).Wait()|};", "SemaphoreSlim.Wait()")]
    [InlineData("_ = {|#0:new SemaphoreSlim(1).Wait(10)|};", "SemaphoreSlim.Wait()")]
    [InlineData("{|#0:new ManualResetEventSlim().Wait()|};", "ManualResetEventSlim.Wait()")]
    [InlineData("_ = {|#0:new ManualResetEvent(false).WaitOne(5)|};", "WaitHandle.WaitOne()")]
    [InlineData("_ = {|#0:Monitor.Wait(this)|};", "Monitor.Wait()")]
    [InlineData("{|#0:Thread.CurrentThread.Join()|};", "Thread.Join()")]
    [InlineData("{|#0:System.Diagnostics.Process.GetCurrentProcess().WaitForExit()|};", "Process.WaitForExit()")]
    [InlineData("_ = {|#0:new System.Collections.Concurrent.BlockingCollection<int>().Take()|};", "BlockingCollection.Take()")]
    [InlineData("_ = {|#0:Fetch().GetAwaiter().GetResult()|};", "GetAwaiter().GetResult()")]
    [InlineData("_ = {|#0:Fetch().ConfigureAwait(false).GetAwaiter().GetResult()|};", "GetAwaiter().GetResult()")]
    public Task SKWS007_reports_a_blocking_call_in_a_handler(string statement, string what) => Verifier.AnalyzerAsync<BlockingCallAnalyzer>(Wrap($$"""
        [OnText]
        void Text(string s)
        {
            {{statement}}
        }
        """),
        Verifier.Diagnostic("SKWS007").WithLocation(0).WithArguments(what, "Text"));

    [Fact]
    public Task Reports_nothing_outside_handlers_inside_lambdas_or_for_await() => Verifier.AnalyzerAsync<BlockingCallAnalyzer>(Wrap("""
        [OnText]
        async Task Text(string s)
        {
            int n = await Fetch();
            await Task.Run(() => Thread.Sleep(1));
            int Local() => Fetch().Result;
        }

        int NotAHandler() => Fetch().Result;
        """));

    private static string Wrap(string members) => $$"""
        using System.Threading;
        using System.Threading.Tasks;
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public partial class Bot
        {
            static Task<int> Fetch() => Task.FromResult(1);

            {{members}}
        }
        """;
}
