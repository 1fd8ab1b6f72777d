using System.Diagnostics;
using BenchmarkDotNet.Running;
using SlackKit.WebSockets.Benchmarks;

// dotnet run -c Release --project benchmarks/SlackKit.WebSockets.Benchmarks               echo harness + idle connections
//                                                                           (add --kestrel to echo with Kestrel)
// dotnet run -c Release --project benchmarks/SlackKit.WebSockets.Benchmarks -- --quick    the same, small: proves it runs
// dotnet run -c Release --project benchmarks/SlackKit.WebSockets.Benchmarks -- --idle     idle connections alone
//                                                                           (add --hold to pause for a heap snapshot)
// dotnet run -c Release --project benchmarks/SlackKit.WebSockets.Benchmarks -- --dispatch the dispatch micro-benchmark
//                                                                           (--only TEXT: the workloads whose name holds TEXT)
if (args.Contains("--server"))
{
    return await EchoServer.RunAsync();
}

if (args.Contains("--fast-server"))
{
    return await FastEchoServer.RunAsync();
}

if (args.Contains("--dispatch"))
{
    BenchmarkRunner.Run<DispatchBenchmarks>(args: [.. args.Where(a => a != "--dispatch")]);
    return 0;
}

// --only TEXT: the workloads whose name holds TEXT (for --allocations too).
string? only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();

if (args.Contains("--allocations"))
{
    // Which types a [WebSocketHandler] client allocates while echoing: a diagnostic, not a benchmark.
    // Steady state only: each workload warms up before the sampler counts.
    (Process echo, Uri echoUrl) = await EchoServer.StartChildAsync(fast: !args.Contains("--kestrel"));
    using var sampler = new AllocationSampler();
    // The workloads --only names (any shape), else the small windowed ones.
    foreach (Workload workload in Workload.All.Where(w => only is null
        ? w.Shape == Shape.Window && w.Size <= 16 * 1024
        : w.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
    {
        await EchoHarness.SampleAsync(echoUrl, workload, memoryHandler: args.Contains("--memory"), 200_000, sampler);
    }

    foreach ((string type, int ticks) in sampler.Top(15))
    {
        Console.WriteLine($"{ticks,6} {type}");
    }

    echo.StandardInput.Close();
    echo.WaitForExit();
    return 0;
}

bool quick = args.Contains("--quick");
bool idleOnly = args.Contains("--idle");
Console.WriteLine($"SlackKit.WebSockets echo harness{(quick ? " (quick: proves the harness runs; the numbers mean nothing)" : string.Empty)}");
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
bool kestrel = args.Contains("--kestrel");
Console.WriteLine(kestrel
    ? "echo server: Kestrel (ASP.NET Core WebSockets), one message read and written back at a time"
    : "echo server: the fast echo server, every whole frame that has arrived written back in one call (--kestrel for Kestrel)");
(Process server, Uri url) = await EchoServer.StartChildAsync(fast: !kestrel);
try
{
    if (!idleOnly)
    {
        IReadOnlyList<EchoHarness.Result> results = await EchoHarness.RunAsync(url, quick, kestrel, Console.Out, only);
        Console.WriteLine();
        EchoHarness.Print(results, Console.Out);
        Console.WriteLine();
    }

    IdleConnections.Result[] idle = await IdleConnections.RunAsync(url, quick ? 20 : 2000, hold: args.Contains("--hold"), Console.Out);
    IdleConnections.Print(idle, Console.Out);
    return 0;
}
finally
{
    server.StandardInput.Close();
    if (!server.WaitForExit(TimeSpan.FromSeconds(10)))
    {
        server.Kill();
    }
}
