using Hotline.Benchmarks;

// Benchmarks are run by hand in Release (see docs/benchmarks.md), never as timed unit tests:
//   dotnet run -c Release --project tests/Hotline.Benchmarks -- intake [--tickets 50000] [--clients 64]
//   dotnet run -c Release --project tests/Hotline.Benchmarks -- fanout [--clients 2000,5000] [--seconds 60]
//   dotnet run -c Release --project tests/Hotline.Benchmarks -- scaleout --postgres "Host=…" [--nodes 1,2,3] [--tickets 5000]
var benchmarks = new Dictionary<string, Func<BenchArgs, Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["intake"] = IntakeBenchmark.RunAsync,
    ["search"] = SearchBenchmark.RunAsync,
    ["sla"] = SlaBenchmark.RunAsync,
    ["fanout"] = FanoutBenchmark.RunAsync,
    ["fanout-server"] = FanoutServer.RunAsync, // the child process fanout starts; not run by hand
    ["email"] = EmailBenchmark.RunAsync,
    ["analytics"] = AnalyticsBenchmark.RunAsync,
    ["projector"] = ProjectorBenchmark.RunAsync, // the analytics projector's catch-up alone
    ["desks"] = DesksBenchmark.RunAsync,
    ["knowledge"] = KnowledgeBenchmark.RunAsync,
    ["scaleout"] = ScaleoutBenchmark.RunAsync, // several nodes: needs --postgres and redis-server
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Hotline.Benchmarks <{string.Join('|', benchmarks.Keys)}> [--option value ...]");
    Console.Error.WriteLine("Results are appended to docs/benchmarks.md unless --no-doc is given; see that file for the options.");
    return 2;
}

return await run(BenchArgs.Parse(args.AsSpan(1)));
