using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/SlackKit.WebSockets.Generators.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
